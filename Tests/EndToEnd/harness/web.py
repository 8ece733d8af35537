"""The daemon's web front door seen from outside: a plain HTTP client with cookies, the forms' CSRF
token, and the links the daemon mails.

    client = WebClient("http://127.0.0.1:PORT")
    page = client.get("/?lang=en")                   # keeps the CSRF cookie it sets
    answer = client.post("/subscribe", [("email", "a@example.org"), ("city", "gongju"),
                                        ("csrf", page.csrf)])
    answer.status, answer.header("Location")         # redirects are never followed

Requests go out over http.client, one connection each, without any header the test did not ask
for besides Host, Content-Length and the cookies it holds: what the daemon sees is what a test
sends.
"""
import functools
import http.client
import re
import socket
import subprocess
import urllib.parse
from dataclasses import dataclass, field

_CSRF_FIELD = re.compile(r'<input[^>]*name="csrf"[^>]*value="([^"]*)"|<input[^>]*value="([^"]*)"[^>]*name="csrf"')
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@functools.lru_cache(maxsize=None)
def has_web_listener(binaries):
    """Whether this concertd has the web front door: the help of `concertd run` (where the daemon's
    flags are; `concertd --help` lists the subcommands) names `--web-listen`."""
    text = ""
    for args in (["--help"], ["run", "--help"]):
        result = subprocess.run([str(binaries / "concertd"), *args], capture_output=True, text=True, timeout=30)
        text += result.stdout + result.stderr
    return "--web-listen" in text


def web_config(port, base_url=None, **more):
    """The `concertd.conf` settings of a daemon whose front door listens on 127.0.0.1:`port`."""
    return {"web_listen": f"127.0.0.1:{port}", "web_base_url": base_url or f"http://127.0.0.1:{port}"} | more


@dataclass
class WebAnswer:
    status: int
    headers: list  # (name, value) as received, in order
    body: bytes
    url: str

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_values(self, name):
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def csrf(self):
        """The CSRF token of the page's first form."""
        match = _CSRF_FIELD.search(self.text)
        assert match, f"no csrf field in the page at {self.url} ({self.status}):\n{self.text[:2000]}"
        return match.group(1) or match.group(2)

    @property
    def heading(self):
        """The text of the page's h1, or None."""
        match = _H1.search(self.text)
        return _TAG.sub("", match.group(1)).strip() if match else None

    def __str__(self):
        return f"{self.status} {self.url}\n" + "\n".join(f"{k}: {v}" for k, v in self.headers) + "\n\n" + \
            self.text[:3000]


@dataclass
class WebClient:
    base: str
    ssl_context: object = None
    cookies: dict = field(default_factory=dict)
    timeout: float = 30

    def url(self, path):
        return path if path.startswith(("http://", "https://")) else self.base.rstrip("/") + path

    def request(self, method, path, body=None, headers=None, cookies=True):
        url = self.url(path)
        parts = urllib.parse.urlsplit(url)
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=self.timeout,
                                                     context=self.ssl_context)
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        sent = dict(headers or {})
        if cookies and self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, target or "/", body=body, headers=sent)
            answer = connection.getresponse()
            result = WebAnswer(answer.status, answer.getheaders(), answer.read(), url)
        finally:
            connection.close()
        if cookies:
            for value in result.header_values("Set-Cookie"):
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0].strip()
        return result

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, fields, headers=None):
        """A form POST (`application/x-www-form-urlencoded`) of `fields`: pairs, or raw bytes."""
        body = fields if isinstance(fields, (bytes, bytearray)) else urllib.parse.urlencode(fields).encode()
        sent = {"Content-Type": "application/x-www-form-urlencoded"} | (headers or {})
        return self.request("POST", path, body=body, headers=sent)


# --- what the daemon mails ---

def links(text, kind, base):
    """Every `BASE/KIND/TOKEN` link in `text` with its query (`?lang=en`), in order, without
    duplicates."""
    # Tokens are base64url: a full stop after a link ends the sentence, not the token. A query is
    # the names and values the daemon writes (`lang=en`, `&` between pairs): a full stop ends it too.
    pattern = re.compile(re.escape(base.rstrip("/")) + "/" + kind + r"/[A-Za-z0-9_\-]+(?:\?[A-Za-z0-9_\-=&%]*)?")
    found = []
    for match in pattern.findall(text):
        if match not in found:
            found.append(match)
    return found


def tampered(token):
    """`token` with its middle character changed: every bit of that character counts (the last
    character of a base64url text may carry padding bits that a decoder ignores)."""
    middle = len(token) // 2
    return token[:middle] + ("B" if token[middle] == "A" else "A") + token[middle + 1:]


def token_of(link):
    return urllib.parse.urlsplit(link).path.rstrip("/").rsplit("/", 1)[1]


def with_query(link, **fields):
    """`link` with `fields` set in its query, the others it has kept: `with_query(link, lang="en")`."""
    parts = urllib.parse.urlsplit(link)
    query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True)) | fields
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def path_of(link):
    return urllib.parse.urlsplit(link).path
