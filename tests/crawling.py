"""Following a site's links as a visitor would, for tests that check every public page."""

import re
from collections import deque

LINK = re.compile(r'href="(/[^"#]*)"')


def crawl(client, start_paths, limit=600):
    """Every internal page reachable from ``start_paths`` (admin left out), with its body."""
    seen, queue, pages = set(start_paths), deque(start_paths), {}
    while queue and len(pages) < limit:
        path = queue.popleft()
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        pages[path] = (response.status_code, body.decode("utf-8", "replace"))
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(pages[path][1]):
            link = link.replace("&amp;", "&")
            if link.startswith(("/admin/", "/static/")) or link in seen:
                continue
            seen.add(link)
            queue.append(link)
    return pages
