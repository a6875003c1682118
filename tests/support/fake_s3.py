"""A fast stand-in for S3 at a scale moto cannot serve quickly, for scripts/bench.

moto answers a few hundred requests a second from one Python thread, so a 10,000-bucket
account (70,000 bucket reads) measures moto, not posture. This server holds no state: it
answers every bucket configuration read from the bucket's number, after a fixed delay
(`--latency-ms`, a laptop far from AWS) that costs no CPU, so thousands of requests can be
in flight at once. It answers as AWS does where it matters to the request count:
`ListBuckets` names each bucket's region (`BucketRegion`) and pages by `max-buckets` and
`continuation-token`.

  --buckets N        how many buckets (named bench-00000 …), spread over --regions
  --regions R,R,…    the regions they are in, round robin
  --latency-ms N     delay every answer by N ms

It serves path-style S3 (`/bucket?policy`) and s3control's account-level Block Public
Access. `GET /__counts` (unsigned) answers the requests served so far, per operation, and the
connections opened, as JSON. The first line on standard output is `listening PORT`.
"""

import argparse
import asyncio
import json
import urllib.parse
from collections import Counter

NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
OWNER = "<Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID></Owner>"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def error(status, code, message):
    body = f"{HEAD}<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return status, body


def xml(body):
    return 200, HEAD + body


def bucket_policy(name, number):
    """Most buckets have none; one in seven allows reads to everyone (a finding)."""
    if number % 3:
        return error(404, "NoSuchBucketPolicy", "The bucket policy does not exist")
    principal = '"*"' if number % 7 == 0 else '{"AWS":"arn:aws:iam::123456789012:root"}'
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "PRINCIPAL", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{name}/*"}]}
    return 200, json.dumps(policy).replace('"PRINCIPAL"', principal)


def bucket_acl(_name, number):
    grants = ('<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:type="CanonicalUser"><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a'
              '</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>')
    if number % 11 == 0:
        grants += ('<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                   'xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI>'
                   '</Grantee><Permission>READ</Permission></Grant>')
    return xml(f"<AccessControlPolicy {NS}>{OWNER}<AccessControlList>{grants}"
               "</AccessControlList></AccessControlPolicy>")


def public_access_block(_name, number):
    if number % 5 == 0:
        return error(404, "NoSuchPublicAccessBlockConfiguration",
                     "The public access block configuration was not found")
    flags = "".join(f"<{f}>true</{f}>" for f in
                    ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"])
    return xml(f"<PublicAccessBlockConfiguration {NS}>{flags}</PublicAccessBlockConfiguration>")


def encryption(_name, number):
    algorithm = "aws:kms" if number % 4 == 0 else "AES256"
    return xml(f"<ServerSideEncryptionConfiguration {NS}><Rule><ApplyServerSideEncryptionByDefault>"
               f"<SSEAlgorithm>{algorithm}</SSEAlgorithm></ApplyServerSideEncryptionByDefault>"
               "<BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>")


def versioning(_name, number):
    status = "" if number % 2 else "<Status>Enabled</Status>"
    return xml(f"<VersioningConfiguration {NS}>{status}</VersioningConfiguration>")


def ownership(_name, number):
    if number % 13 == 0:
        return error(404, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
    return xml(f"<OwnershipControls {NS}><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership>"
               "</Rule></OwnershipControls>")


def logging(name, number):
    enabled = ("" if number % 2 else
               f"<LoggingEnabled><TargetBucket>{name}-logs</TargetBucket><TargetPrefix>x/</TargetPrefix>"
               "</LoggingEnabled>")
    return xml(f"<BucketLoggingStatus {NS}>{enabled}</BucketLoggingStatus>")


BUCKET_READS = {
    "policy": ("GetBucketPolicy", bucket_policy),
    "acl": ("GetBucketAcl", bucket_acl),
    "publicAccessBlock": ("GetPublicAccessBlock", public_access_block),
    "encryption": ("GetBucketEncryption", encryption),
    "versioning": ("GetBucketVersioning", versioning),
    "ownershipControls": ("GetBucketOwnershipControls", ownership),
    "logging": ("GetBucketLogging", logging),
}


class Account:
    def __init__(self, buckets, regions):
        self.buckets = buckets
        self.regions = regions
        self.counts = Counter()
        self.connections = 0

    def name(self, number):
        return f"bench-{number:05d}"

    def number(self, name):
        if not name.startswith("bench-"):
            return None
        try:
            number = int(name[len("bench-"):])
        except ValueError:
            return None
        return number if 0 <= number < self.buckets and self.name(number) == name else None

    def region(self, number):
        return self.regions[number % len(self.regions)]

    def answer(self, method, target, host):
        path, _, query = target.partition("?")
        params = urllib.parse.parse_qs(query, keep_blank_values=True)
        if path == "/__counts":
            return 200, json.dumps({"requests": self.counts, "connections": self.connections})
        if method != "GET":
            self.counts["refused " + method] += 1
            return error(405, "MethodNotAllowed", "This stand-in only reads")
        if path.endswith("/configuration/publicAccessBlock"):
            self.counts["s3control GetPublicAccessBlock"] += 1
            return error(404, "NoSuchPublicAccessBlockConfiguration", "none")
        if path == "/":
            self.counts["ListBuckets"] += 1
            return self.list_buckets(params)
        number = self.number(urllib.parse.unquote(path.strip("/")))
        for key, (operation, read) in BUCKET_READS.items():
            if key in params:
                self.counts[operation] += 1
                if number is None:
                    return error(404, "NoSuchBucket", "The specified bucket does not exist")
                return read(self.name(number), number)
        if "location" in params and number is not None:
            self.counts["GetBucketLocation"] += 1
            region = self.region(number)
            constraint = "" if region == "us-east-1" else region
            return xml(f"<LocationConstraint {NS}>{constraint}</LocationConstraint>")
        self.counts["unknown " + path.split("/")[1][:20] + "?" + query[:40]] += 1
        return error(400, "NotImplemented", "This stand-in does not serve " + query[:40])

    def list_buckets(self, params):
        page = int(params.get("max-buckets", ["10000"])[0])
        start = int(params.get("continuation-token", ["0"])[0] or 0)
        end = min(start + page, self.buckets)
        buckets = "".join(
            f"<Bucket><Name>{self.name(n)}</Name><CreationDate>2025-01-01T00:00:00.000Z</CreationDate>"
            f"<BucketRegion>{self.region(n)}</BucketRegion></Bucket>"
            for n in range(start, end))
        token = f"<ContinuationToken>{end}</ContinuationToken>" if end < self.buckets else ""
        return xml(f"<ListAllMyBucketsResult {NS}>{OWNER}<Buckets>{buckets}</Buckets>{token}"
                   "</ListAllMyBucketsResult>")


class Connection(asyncio.Protocol):
    def __init__(self, account, latency):
        self.account = account
        self.latency = latency
        self.buffer = b""
        self.transport = None
        self.queue = asyncio.Queue()
        self.worker = None

    def connection_made(self, transport):
        self.transport = transport
        self.account.connections += 1
        self.worker = asyncio.get_running_loop().create_task(self.serve())

    def connection_lost(self, exc):
        self.worker.cancel()

    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            method, target, _ = head[0].split(" ", 2)
            self.queue.put_nowait((method, target, headers.get("host", "")))

    async def serve(self):
        # One request after another per connection, as HTTP/1.1 without pipelining wants.
        while True:
            method, target, host = await self.queue.get()
            if self.latency:
                await asyncio.sleep(self.latency)
            status, body = self.account.answer(method, target, host)
            payload = body.encode()
            kind = "application/json" if body.startswith("{") else "application/xml"
            self.transport.write(
                f"HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {len(payload)}\r\n"
                f"x-amz-request-id: fake\r\n\r\n".encode() + payload)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--buckets", type=int, required=True)
    parser.add_argument("--regions", default="us-east-1")
    parser.add_argument("--latency-ms", type=float, default=0)
    options = parser.parse_args()
    account = Account(options.buckets, options.regions.split(","))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: Connection(account, options.latency_ms / 1000), "127.0.0.1", options.port,
        backlog=1024)
    print("listening", server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
