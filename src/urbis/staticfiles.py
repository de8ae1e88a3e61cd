"""Static file storage for production: WhiteNoise's hashed, compressed files, tolerant of one
thing vendored libraries do: point to a source map (``//# sourceMappingURL=x.js.map``) that is
not shipped. Such a comment is left as it is; any other missing reference still fails
``collectstatic``, as it should."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url_converter(self, name: str, hashed_files: Any, template: str | None = None
                      ) -> Callable[[Any], str]:
        convert = super().url_converter(name, hashed_files, template)

        def converter(match: Any) -> str:
            if match.groupdict().get("url", "").endswith(".map") and not self.exists(
                self._target(name, match.groupdict()["url"])
            ):
                return str(match.groupdict()["matched"])
            return str(convert(match))

        return converter

    @staticmethod
    def _target(name: str, url: str) -> str:
        import posixpath

        return posixpath.normpath(posixpath.join(posixpath.dirname(name), url))
