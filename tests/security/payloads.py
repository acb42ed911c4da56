"""Injection strings from the OWASP cheat sheets, for chat messages, console fields and the fuzzer.

Sources (OWASP Cheat Sheet Series and the Web Security Testing Guide, WSTG):
XSS Filter Evasion, Cross Site Scripting Prevention, SQL Injection Prevention, OS Command
Injection Defense, WSTG "Testing for Server-side Template Injection", "Testing Directory
Traversal File Include", "Testing for HTTP Splitting/Smuggling" (CRLF), and "Unicode Encoding"
/ null-byte tricks from the Input Validation cheat sheet. All fit in one chat message (2,000
characters).
"""

from __future__ import annotations

XSS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    "<svg/onload=alert('XSS')>",
    "<BODY ONLOAD=alert('XSS')>",
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<a href=\"jav&#x09;ascript:alert('XSS');\">Klik hier</a>",
    '"><script>alert(document.cookie)</script>',
    "'';!--\"<XSS>=&{()}",
    # The "XSS locator" polyglot: breaks out of attributes, strings and comments alike.
    "';alert(String.fromCharCode(88,83,83))//';alert(String.fromCharCode(88,83,83))//\";"
    'alert(String.fromCharCode(88,83,83))//";alert(String.fromCharCode(88,83,83))//--></SCRIPT>">\'>'
    "<SCRIPT>alert(String.fromCharCode(88,83,83))</SCRIPT>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
]

SQL = [
    "' OR '1'='1",
    "' OR 1=1--",
    "admin'--",
    '" OR ""="',
    "') OR ('1'='1",
    "'; DROP TABLE messages;--",
    "1; DROP TABLE conversations",
    "Robert'); DROP TABLE staff_accounts;--",
    "' UNION SELECT NULL, version()--",
    "'; SELECT pg_sleep(5);--",
    "1' AND SLEEP(5)--",
]

COMMAND = [
    "; ls -la",
    "| cat /etc/passwd",
    "`id`",
    "$(id)",
    "&& whoami",
    "|| ping -c 1 127.0.0.1",
]

TEMPLATE = [
    "{{7*7}}",
    "${7*7}",
    "<%= 7*7 %>",
    "#{7*7}",
    "{{7*'7'}}",
    "{% print(7*7) %}",
    "{{ config.items() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self.__init__.__globals__ }}",
]

PATH_TRAVERSAL = [
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "....//....//etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "/etc/passwd%00.png",
]

CRLF = [
    "naam\r\nSet-Cookie: elkedeur_staff=gestolen",
    "%0d%0aSet-Cookie:%20elkedeur_staff=gestolen",
    "regel\r\n\r\n<html><body>nagemaakt</body></html>",
    "einde\nX-Injected: ja",
]

NUL_BYTES = [
    "\x00",
    "abc\x00def",
    "<script>\x00alert(1)</script>",
]

UNICODE = [
    "\U0001d53c" * 2000,  # 2,000 astral characters (8,000 bytes, 4,000 UTF-16 units)
    "e\u0301" * 1000,  # combining accents
    "Z\u0351\u0358\u0319a\u0360l\u036bg\u0364o\u0352",  # zalgo
    "factuur\u202efdp.exe",  # right-to-left override: shows as "factuurexe.pdf"
    "Jan \u202bשלום\u202c de Vries",
    "\ufeffbom en \u200bzero\u200dwidth\u2060tekens",
    "\U0001f600\U0001f469\u200d\U0001f469\u200d\U0001f467",  # emoji and a ZWJ family
]

JSON_BREAKING = [
    '"}',
    '\\"}]}',
    "'\"`",
    '{"text": "ingevoegd"}',
    "\\u0000",
    "\\",
    '"\\',
]

ALL = XSS + SQL + COMMAND + TEMPLATE + PATH_TRAVERSAL + CRLF + NUL_BYTES + UNICODE + JSON_BREAKING
# Refused (422) instead of stored: PostgreSQL cannot hold NUL and no keyboard types it.
STORABLE = [value for value in ALL if "\x00" not in value]
