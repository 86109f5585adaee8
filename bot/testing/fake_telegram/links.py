"""URL checks ported from TDLib: ``td::parse_url`` (tdutils/td/utils/HttpUrl.cpp) and
``LinkManager::check_link`` (td/telegram/LinkManager.cpp)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz.0123456789-_!$,~*'();&+=")
_TD_SPACES = " \t\r\n\x00\x0b\x0c"


@dataclass
class HttpUrl:
    """A parsed URL as TDLib sees it."""

    protocol: str
    userinfo: str
    host: str
    is_ipv6: bool
    specified_port: int
    query: str

    def get_url(self) -> str:
        """``HttpUrl::get_url``: the normalised form TDLib sends to the server."""
        auth = f"{self.userinfo}@" if self.userinfo else ""
        port = f":{self.specified_port}" if self.specified_port > 0 else ""
        return f"{self.protocol}://{auth}{self.host}{port}{self.query}"


def _to_int_safe(text: str) -> int | None:
    """``td::to_integer_safe<int>``: the number only if it prints back to the same text."""
    if not re.fullmatch(r"-?\d+", text):
        return None
    value = int(text)
    if str(value) != text or not -(2**31) <= value < 2**31:
        return None
    return value


def parse_url(url: str, default_protocol: str = "http") -> HttpUrl:
    """``td::parse_url``; raises ValueError with TDLib's message."""
    cut = next((i for i, ch in enumerate(url) if ch in ":/?#@[]"), len(url))
    protocol_str = url[:cut].lower()
    if url[cut : cut + 3] == "://":
        if protocol_str not in ("http", "https"):
            raise ValueError("Unsupported URL protocol")
        protocol = protocol_str
        rest = url[cut + 3 :]
    else:
        protocol = default_protocol
        rest = url
    cut = next((i for i, ch in enumerate(rest) if ch in "/?#"), len(rest))
    userinfo_host_port, query = rest[:cut], rest[cut:]

    port = 0
    k = len(userinfo_host_port) - 1
    while k > 0 and userinfo_host_port[k] not in ":]@":
        k -= 1
    if k > 0 and userinfo_host_port[k] == ":":
        port_text = userinfo_host_port[k + 1 :]
        while len(port_text) > 1 and port_text[0] == "0":
            port_text = port_text[1:]
        parsed = _to_int_safe(port_text)
        port = -1 if parsed is None or parsed == 0 else parsed
        userinfo_host = userinfo_host_port[:k]
    else:
        userinfo_host = userinfo_host_port
    if port < 0 or port > 65535:
        raise ValueError("Wrong port number specified in the URL")

    at = userinfo_host.rfind("@")
    userinfo = userinfo_host[:at] if at >= 0 else ""
    host = userinfo_host[at + 1 :]
    is_ipv6 = False
    if len(host) >= 2 and host[0] == "[" and host[-1] == "]":
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise ValueError("Wrong IPv6 address specified in the URL") from None
        is_ipv6 = True
    if not host:
        raise ValueError("URL host is empty")
    if host == ".":
        raise ValueError("Host is invalid")

    query = query.rstrip(_TD_SPACES) or "/"
    query_str = "" if query[0] == "/" else "/"
    query_str += "".join(f"%{ord(ch):02X}" if ord(ch) <= 0x20 else ch for ch in query)

    host = "".join(chr(ord(ch) + 32) if "A" <= ch <= "Z" else ch for ch in host)
    i = 0
    while i < len(host):
        ch = host[i]
        if is_ipv6:
            if i == 0 or i + 1 == len(host) or ch in ":." or ch in "0123456789abcdef":
                i += 1
                continue
            raise ValueError("Wrong IPv6 URL host")
        if ch in _HOST_CHARS or ord(ch) >= 128:
            i += 1
            continue
        if ch == "%":
            pair = host[i + 1 : i + 3]
            if len(pair) == 2 and all(c in "0123456789abcdef" for c in pair):
                i += 3
                continue
            raise ValueError("Wrong percent-encoded symbol in URL host")
        raise ValueError("Wrong URL host")
    return HttpUrl(protocol, userinfo, host, is_ipv6, port, query_str)


def check_link(link: str) -> str:
    """``LinkManager::check_link_impl``: the normalised link, or ValueError with TDLib's reason."""
    lowered = link.lower()
    kind = ""
    for prefix in ("tg:", "ton:", "tonsite:"):
        if lowered.startswith(prefix):
            kind = prefix[:-1]
            link = link[len(prefix) :]
            break
    if kind and link.startswith("//"):
        link = link[2:]
    url = parse_url(link)
    if kind:
        if (
            link.lower().startswith("http://")
            or url.protocol == "https"
            or url.userinfo
            or url.specified_port
            or url.is_ipv6
        ):
            raise ValueError("Wrong tg URL" if kind == "tg" else "Wrong ton URL")
        query = url.query
        if len(query) > 1 and query[1] == "?":
            query = query[1:]
        for ch in url.host:
            if (
                not (ch.isascii() and ch.isalnum())
                and ch not in "-_"
                and not (kind == "tonsite" and ch == ".")
            ):
                raise ValueError("Unallowed characters in URL host")
        return f"{kind}://{url.host}{query}"
    if "." not in url.host and not url.is_ipv6:
        raise ValueError("Wrong HTTP URL")
    return url.get_url()


def describe_invalid_link(link: str, reason: str) -> str:
    """``LinkManager::check_link``'s error wording."""
    return f"URL '{link}' is invalid: {reason}"


def get_link_user_id(url: str) -> int:
    """``LinkManager::get_link_user_id``: the user of a ``tg://user?id=N`` link, else 0."""
    match = re.fullmatch(r"(?i:tg:)(?://)?user\?(.*)", url.split("#", 1)[0])
    if not match:
        return 0
    for pair in match.group(1).split("&"):
        key, _, value = pair.partition("=")
        if key == "id" and re.fullmatch(r"\d{1,18}", value) and int(value) > 0:
            return int(value)
    return 0
