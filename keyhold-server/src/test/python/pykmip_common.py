"""What the PyKMIP client checks share: versions, certificate file names, step bookkeeping, the client
with every setting given explicitly, and the command line. Imported by pykmip_client_check.py and
pykmip_crypto_check.py (run from this directory, which Python puts first on sys.path).
"""

import argparse
import os
import warnings

# PyKMIP 0.10 uses ssl.wrap_socket and other deprecated APIs; the warnings are noise here.
warnings.filterwarnings("ignore", category=DeprecationWarning)

from kmip import enums  # noqa: E402
from kmip.pie import client as pie_client  # noqa: E402
from kmip.pie import exceptions as pie_exceptions  # noqa: E402

VERSIONS = {
    "1.0": enums.KMIPVersion.KMIP_1_0,
    "1.1": enums.KMIPVersion.KMIP_1_1,
    "1.2": enums.KMIPVersion.KMIP_1_2,
    "1.3": enums.KMIPVersion.KMIP_1_3,
    "1.4": enums.KMIPVersion.KMIP_1_4,
    "2.0": enums.KMIPVersion.KMIP_2_0,
}

CERT_NAMES = {
    "keyhold": ("ca.pem", "client.pem", "client.key"),
    "gen-certs": ("ca.crt", "client.crt", "client.key"),
}


class CheckFailed(Exception):
    def __init__(self, step, detail):
        super().__init__("{}: {}".format(step, detail))
        self.step = step
        self.detail = detail


class Checker:
    def __init__(self, width):
        self.step = None
        self.width = width

    def begin(self, step):
        self.step = step

    def expect(self, condition, detail):
        """Fails the current step unless condition holds."""
        if not condition:
            raise CheckFailed(self.step, detail)

    def ok(self, text):
        print("{:<{w}} {}".format(self.step, text, w=self.width))


def describe(step, e):
    """Any exception raised by a step, as the step's failure."""
    if isinstance(e, CheckFailed):
        return e
    if isinstance(e, pie_exceptions.KmipOperationFailure):
        return CheckFailed(step, "operation failed: {} / {}: {}".format(
            e.status.name, e.reason.name if e.reason else None, e.message))
    return CheckFailed(step, "{}: {}".format(type(e).__name__, e))


def certificate_paths(args):
    """(ca, cert, key) in args.certdir, or None after printing which file is missing."""
    names = CERT_NAMES[args.cert_names]
    paths = [os.path.join(args.certdir, n) for n in names]
    for p in paths:
        if not os.path.isfile(p):
            print("FAIL setup: {} not found (--cert-names {} expects {})".format(p, args.cert_names, ", ".join(names)))
            return None
    return paths


def client(args, paths, empty_config_file):
    """A ProxyKmipClient with every setting explicit, so that no pykmip.conf can change a check."""
    ca, cert, key = paths
    return pie_client.ProxyKmipClient(
        hostname=args.host,
        port=args.port,
        cert=cert,
        key=key,
        ca=ca,
        # PROTOCOL_TLS negotiates the highest version both ends share (1.3 where offered). PyKMIP 0.10
        # passes this to ssl.wrap_socket without a server name, which PROTOCOL_TLS_CLIENT refuses.
        ssl_version="PROTOCOL_TLS",
        username=None,
        password=None,
        config="client",
        config_file=empty_config_file,
        kmip_version=VERSIONS[args.version],
    )


def argument_parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("certdir")
    p.add_argument("version", choices=sorted(VERSIONS))
    p.add_argument("--cert-names", choices=sorted(CERT_NAMES),
                   default=os.environ.get("KMIP_CERT_NAMES", "keyhold"),
                   help="file names in CERTDIR: keyhold (ca.pem, client.pem, client.key; default) or "
                        "gen-certs (ca.crt, client.crt, client.key); env KMIP_CERT_NAMES")
    return p


def parse(p, argv):
    args = p.parse_args(argv)
    if args.cert_names not in CERT_NAMES:
        p.error("KMIP_CERT_NAMES must be one of {}".format(", ".join(sorted(CERT_NAMES))))
    return args
