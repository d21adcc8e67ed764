#!/usr/bin/env python3
"""The attack traffic of issue 13, for bench_server.sh to run alongside its load: from a second
loopback address (127.0.0.2), against one `nrm serve` on 127.0.0.1, for a bounded time. Each worker
repeats one attack: a chunk header with an endless extension, idle connections up to (and past) the
per-address cap, a 60 KB unknown location, a -1e999 age, duplicate keys. Prints what it saw.
Usage: attack_traffic.py PORT TOKEN SECONDS"""
import socket
import sys
import threading
import time
from collections import Counter

port, token, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
deadline = time.time() + seconds
seen = Counter()
lock = threading.Lock()


def connect():
    s = socket.socket()
    s.settimeout(5)
    s.bind(("127.0.0.2", 0))
    s.connect(("127.0.0.1", port))
    return s


def status_of(s):
    data = b""
    try:
        while len(data) < 12:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data[9:12].decode(errors="replace") if data.startswith(b"HTTP/1.1 ") else "none"


def note(kind, status):
    with lock:
        seen[f"{kind} {status}"] += 1


def post(body):
    return (f"POST /v1/referrals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode() + body.encode()


def chunk_extension():
    while time.time() < deadline:
        try:
            s = connect()
            s.sendall((f"POST /v1/referrals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n10;ext=").encode())
            for _ in range(64):
                s.sendall(b"a" * 65536)
        except OSError:
            pass
        note("chunk-extension", status_of(s))
        s.close()


def idle():
    held = []
    while time.time() < deadline:
        try:
            held.append(connect())
        except OSError:
            pass
        if len(held) >= 80:  # past the per-address cap of 64: the rest are told 503
            for s in held:
                s.close()
            note("idle-batch", "80")
            held = []
        time.sleep(0.01)
    for s in held:
        s.close()


def bad_requests():
    bodies = [
        ("huge-location", '{"location": "' + "x" * 60000 + '", "needs": ["shelter.emergency"]}'),
        ("overflow", '{"location": "toronto-on", "age": -1e999, "needs": ["shelter.emergency"]}'),
        ("duplicate", '{"location": "toronto-on", "location": "iqaluit-nu", "needs": ["shelter.emergency"]}'),
    ]
    i = 0
    while time.time() < deadline:
        kind, body = bodies[i % len(bodies)]
        i += 1
        try:
            s = connect()
            s.sendall(post(body))
            note(kind, status_of(s))
            s.close()
        except OSError:
            note(kind, "error")


workers = [threading.Thread(target=f) for f in (chunk_extension, chunk_extension, idle, bad_requests, bad_requests)]
for w in workers:
    w.start()
for w in workers:
    w.join()
for k, v in sorted(seen.items()):
    print(f"  {k}: {v}")
