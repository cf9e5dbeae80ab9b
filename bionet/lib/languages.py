"""Addresses in both languages: Korean plain ("/organizations/"), English under "/en/"."""

from django.urls import LocalePrefixPattern, URLResolver


class LanguagePrefixPattern(LocalePrefixPattern):
    """Django's language prefix, which also lets a plain address through when another
    language is active.

    Links are built in the active language ("/en/…" in English). A plain address asked for
    in English (the language switcher's cookie, or Accept-Language) is still found and
    answered in English, as before addresses had prefixes; Django's own prefix would answer
    it with a 404 once English is active.
    """

    def match(self, path):
        prefix = self.language_prefix
        if prefix and path.startswith(prefix):
            return path.removeprefix(prefix), (), {}
        return path, (), {}


def language_patterns(*urls):
    """The pages people read, at a plain address in Korean and under /en/ in English."""
    return URLResolver(LanguagePrefixPattern(prefix_default_language=False), list(urls))
