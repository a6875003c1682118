"""A fault-injecting HTTP proxy in front of moto, for the reliability tests and benchmark.

Every request posture sends goes through it. It reads the service and region from the
SigV4 credential scope and the operation from the query protocol's `Action=`, the JSON
protocol's `X-Amz-Target`, the restJson route, or S3's method and sub-resource, then
either forwards the request to moto or injects a fault:

  --throttle P       answer a fraction P with the service's throttling error
  --error P          answer a fraction P with the service's internal error (HTTP 500)
  --drop P           close a fraction P of connections without answering
  --delay-ms N       delay every forwarded request by up to N ms
  --latency-ms N     delay every forwarded request by exactly N ms (a laptop far from AWS)
  --deny OP          always answer operation OP with access denied
  --log-calls        print "call SERVICE REGION OPERATION" for every request forwarded
  --deny-matching T  ... only the requests of OP whose body holds T (an account id in a
                     RoleArn: a role that cannot be assumed)
  --unreachable R    close every connection for region R without answering
  --hang OP          never answer operation OP (hold the connection open)
  --faulted-attempts N  throttle, fail or drop only a request's first N attempts (the
                     SDK numbers them in `amz-sdk-request: attempt=K`): a client that
                     makes more attempts always gets through

Throttling, errors, drops and delays are drawn per request, from a hash of the seed, the
request (service, region, method, path and body) and its attempt number: a request meets
the same fault in every run whatever the order requests arrive in, and its next attempt
draws anew. Each injected fault is logged as one line `fault KIND SERVICE REGION
OPERATION` on standard output; the first line is `listening PORT`.
"""

import argparse
import hashlib
import http.client
import json
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}
# Services of the restJson protocol posture reads (signing name, as in the credential scope).
REST_JSON_SERVICES = ("access-analyzer", "account", "elasticfilesystem")


def rest_operation(service, method, path):
    """The operation of a restJson request, from its route: the Account API names its
    routes after the operation (`POST /getAlternateContact`); Access Analyzer lists its
    analyzers with `GET /analyzer`, EFS its file systems with `GET /2015-02-01/file-systems`."""
    if service == "account":
        name = path.rstrip("/").rsplit("/", 1)[-1]
        return name[:1].upper() + name[1:]
    if service == "access-analyzer" and method == "GET" and path.rstrip("/") == "/analyzer":
        return "ListAnalyzers"
    if service == "elasticfilesystem" and method == "GET" and path.endswith("/file-systems"):
        return "DescribeFileSystems"
    return "%s?%s" % (method, path)

SCOPE = re.compile(r"Credential=[^/]+/[^/]+/([^/]+)/([^/]+)/")
ATTEMPT = re.compile(r"attempt=(\d+)")


def draw(seed, purpose, request):
    """A number in [0, 1) fixed by the seed, what it is drawn for, and the request."""
    digest = hashlib.sha256(repr((seed, purpose, request)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0 ** 64


def error_body(service, code, message):
    """The error document each protocol's SDK parser expects."""
    if service == "ec2":
        return ("<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error>"
                "</Errors><RequestID>fault</RequestID></Response>" % (code, message))
    if service in ("s3", "s3control"):
        return ("<Error><Code>%s</Code><Message>%s</Message><RequestId>fault</RequestId>"
                "</Error>" % (code, message))
    return ("<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message>"
            "</Error><RequestId>fault</RequestId></ErrorResponse>" % (code, message))


def throttling(service):
    if service == "ec2":
        return 503, "RequestLimitExceeded", "Request limit exceeded."
    if service in ("s3", "s3control"):
        return 503, "SlowDown", "Please reduce your request rate."
    if service in REST_JSON_SERVICES:
        return 429, "ThrottlingException", "Rate exceeded"
    return 400, "Throttling", "Rate exceeded"


def denial(service):
    if service == "ec2":
        return 403, "UnauthorizedOperation", "You are not authorized to perform this operation."
    return 403, "AccessDenied", "Access denied by the fault proxy"


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    options = None
    upstream = None
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def facts(self, body):
        match = SCOPE.search(self.headers.get("Authorization", ""))
        region, service = match.groups() if match else ("unknown", "unknown")
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        target = self.headers.get("X-Amz-Target")
        if target:
            # The JSON protocol (CloudTrail, Config): `Prefix.Operation`.
            operation = target.rsplit(".", 1)[-1]
        elif "Action" in form:
            operation = form["Action"][0]
        elif service in REST_JSON_SERVICES:
            operation = rest_operation(service, self.command, urllib.parse.urlsplit(self.path).path)
        else:
            query = urllib.parse.urlsplit(self.path).query
            sub = query.split("&")[0].split("=")[0] if query else ""
            operation = "%s?%s" % (self.command, sub)
        return service, region, operation

    def attempt(self):
        """The SDK's number of this attempt at its call, from 1."""
        match = ATTEMPT.search(self.headers.get("amz-sdk-request", ""))
        return int(match.group(1)) if match else 1

    def record(self, kind, service, region, operation):
        with Proxy.lock:
            print("fault", kind, service, region, operation, flush=True)

    def answer(self, status, service, code, message):
        # The JSON protocols: awsJson (X-Amz-Target: CloudTrail, Config, KMS) and restJson
        # (Access Analyzer, Account, EFS), whose SDK parsers read the code from the body or
        # header.
        json_protocol = self.headers.get("X-Amz-Target") or service in REST_JSON_SERVICES
        if json_protocol:
            payload = json.dumps({"__type": code, "message": message}).encode()
            content_type = "application/x-amz-json-1.1"
        else:
            payload = error_body(service, code, message).encode()
            content_type = "text/xml"
        self.send_response(status)
        if json_protocol:
            self.send_header("x-amzn-ErrorType", code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def drop(self):
        self.close_connection = True

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        service, region, operation = self.facts(body)
        options = Proxy.options
        if operation == options.hang:
            self.record("hang", service, region, operation)
            time.sleep(3600)
            return self.drop()
        if region == options.unreachable:
            self.record("unreachable", service, region, operation)
            return self.drop()
        matches = not options.deny_matching or options.deny_matching.encode() in body
        if operation == options.deny and matches:
            self.record("deny", service, region, operation)
            status, code, message = denial(service)
            return self.answer(status, service, code, message)
        attempt = self.attempt()
        request = (service, region, self.command, self.path, body, attempt)
        faulted = options.faulted_attempts is None or attempt <= options.faulted_attempts
        fault = draw(options.seed, "fault", request) if faulted else 1.0
        if fault < options.throttle:
            self.record("throttle", service, region, operation)
            status, code, message = throttling(service)
            return self.answer(status, service, code, message)
        fault -= options.throttle
        if fault < options.error:
            self.record("error", service, region, operation)
            return self.answer(500, service, "InternalError", "Injected internal error")
        fault -= options.error
        if fault < options.drop:
            self.record("drop", service, region, operation)
            return self.drop()
        if options.delay_ms:
            time.sleep(draw(options.seed, "delay", request) * options.delay_ms / 1000)
        if options.latency_ms:
            time.sleep(options.latency_ms / 1000)
        if options.log_calls:
            with Proxy.lock:
                print("call", service, region, operation, flush=True)
        self.forward(body)

    def forward(self, body):
        host, port = Proxy.upstream
        connection = http.client.HTTPConnection(host, port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        connection.request(self.command, self.path, body=body or None, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        connection.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT of moto")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--throttle", type=float, default=0.0)
    parser.add_argument("--error", type=float, default=0.0)
    parser.add_argument("--drop", type=float, default=0.0)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--deny")
    parser.add_argument("--deny-matching")
    parser.add_argument("--log-calls", action="store_true")
    parser.add_argument("--unreachable")
    parser.add_argument("--hang")
    parser.add_argument("--faulted-attempts", type=int)
    options = parser.parse_args()
    upstream = urllib.parse.urlsplit(options.upstream)
    Proxy.options = options
    Proxy.upstream = (upstream.hostname, upstream.port)
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Proxy)
    server.daemon_threads = True
    print("listening", server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
