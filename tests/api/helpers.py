"""Reading the API as a client does: every page of a list, following its cursors."""


def walk(client, path: str, **headers) -> list[dict]:
    """Every record of the list at ``path`` (with its query string), page after page."""
    records, url, pages = [], path, 0
    while url:
        response = client.get(url, **headers)
        assert response.status_code == 200, response.content
        body = response.json()
        records += body["results"]
        url = body["next"]
        pages += 1
        assert pages < 1000, "the cursor never ends"
    return records
