#!/usr/bin/python3
"""Drives a KMIP server with PyKMIP's ProxyKmipClient through one key life cycle and checks every answer.

usage: pykmip_client_check.py [--cert-names keyhold|gen-certs] HOST PORT CERTDIR VERSION

VERSION is 1.0, 1.1, 1.2, 1.3, 1.4 or 2.0 (the versions the PyKMIP 0.10 client speaks). CERTDIR holds the
CA and client certificate: ca.pem, client.pem, client.key (names written by `keyhold dev`), or with
--cert-names gen-certs (or KMIP_CERT_NAMES=gen-certs) ca.crt, client.crt, client.key as written by
shared/peers/gen-certs.sh. Every client setting is passed explicitly and the configuration file is an
empty temporary file, so ~/.pykmip/pykmip.conf and /etc/pykmip/pykmip.conf cannot change the run.

Steps: Create (AES-256, Name) -> Register (Secret Data, 32 bytes, Password, Opaque) -> Get both ->
Get Attributes (State Pre-Active, Name) -> Locate by Name -> Activate -> State Active -> Revoke (Cessation
of Operation) -> State Deactivated -> Get still works -> Destroy -> Get fails. Prints one line per step and
OK at the end; on the first mismatch prints FAIL with the step and exits 1 (2 for bad arguments).

The checks are strict about the specification. The PyKMIP 0.10 server itself passes all of them at 1.0 to
2.0, so no peer exception is needed (its one visible choice: Get after Destroy answers Item Not Found,
because it deletes the object; the script accepts any Operation Failed there, as the spec does not name
the reason).
Needs Debian's /usr/bin/python3 with python3-pykmip (PyKMIP 0.10 needs Python 3.11 or older).
"""

import secrets
import sys
import tempfile
import uuid

from pykmip_common import CheckFailed, Checker, argument_parser, certificate_paths, client as new_client, describe, parse

from kmip import enums  # noqa: E402
from kmip.core.factories import attributes as attribute_factories  # noqa: E402
from kmip.pie import exceptions as pie_exceptions  # noqa: E402
from kmip.pie import objects  # noqa: E402


def attribute_map(attributes):
    """GetAttributes result -> {attribute name: [values]}."""
    out = {}
    for a in attributes:
        out.setdefault(a.attribute_name.value, []).append(a.attribute_value)
    return out


def state_of(client, check, uid, expected):
    _, attrs = client.get_attributes(uid, ["State"])
    m = attribute_map(attrs)
    check.expect(list(m) == ["State"], "asked for State only, got attributes {}".format(sorted(m)))
    check.expect(len(m["State"]) == 1, "expected one State, got {}".format(len(m["State"])))
    state = m["State"][0].value
    check.expect(state == expected, "State is {}, expected {}".format(state, expected))
    return state


def run(args):
    paths = certificate_paths(args)
    if paths is None:
        return 1
    check = Checker(28)
    attribute_factory = attribute_factories.AttributeFactory()
    key_name = "pykmip-check-{}".format(uuid.uuid4())
    secret_bytes = secrets.token_bytes(32)

    with tempfile.NamedTemporaryFile("w", prefix="pykmip-empty-", suffix=".conf") as empty_conf:
        client = new_client(args, paths, empty_conf.name)
        try:
            check.begin("connect")
            try:
                client.open()
            except Exception as e:  # noqa: BLE001 - any failure here is the step's failure
                raise CheckFailed("connect", "{}: {}".format(type(e).__name__, e))
            check.ok("{}:{} KMIP {}".format(args.host, args.port, args.version))
            try:
                steps(client, check, attribute_factory, key_name, secret_bytes)
            except Exception as e:  # noqa: BLE001 - reported as the step's failure
                raise describe(check.step, e)
        except CheckFailed as e:
            print("FAIL {}: {}".format(e.step, e.detail))
            return 1
        finally:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing a failed connection
                pass
    print("OK")
    return 0


def steps(client, check, attribute_factory, key_name, secret_bytes):
    check.begin("create")
    key_uid = client.create(
        enums.CryptographicAlgorithm.AES, 256, name=key_name,
        cryptographic_usage_mask=[enums.CryptographicUsageMask.ENCRYPT, enums.CryptographicUsageMask.DECRYPT])
    check.expect(isinstance(key_uid, str) and key_uid, "no Unique Identifier returned")
    check.ok("AES-256 key {} named {}".format(key_uid, key_name))

    check.begin("register")
    secret_uid = client.register(objects.SecretData(secret_bytes, enums.SecretDataType.PASSWORD))
    check.expect(isinstance(secret_uid, str) and secret_uid, "no Unique Identifier returned")
    check.expect(secret_uid != key_uid, "Register returned the key's identifier {}".format(key_uid))
    check.ok("Secret Data {} (32 bytes, Password)".format(secret_uid))

    check.begin("get key")
    key = client.get(key_uid)
    check.expect(isinstance(key, objects.SymmetricKey), "expected a Symmetric Key, got {}".format(type(key).__name__))
    check.expect(key.cryptographic_algorithm == enums.CryptographicAlgorithm.AES,
                 "Cryptographic Algorithm {}".format(key.cryptographic_algorithm))
    check.expect(key.cryptographic_length == 256, "Cryptographic Length {}".format(key.cryptographic_length))
    check.expect(len(key.value) == 32, "key material is {} bytes, expected 32".format(len(key.value)))
    check.expect(key.key_format_type == enums.KeyFormatType.RAW,
                 "Key Format Type {}, expected Raw by default".format(key.key_format_type))
    key_material = bytes(key.value)
    check.ok("Symmetric Key, AES, 256 bits, 32 bytes Raw")

    check.begin("get secret")
    secret = client.get(secret_uid)
    check.expect(isinstance(secret, objects.SecretData), "expected Secret Data, got {}".format(type(secret).__name__))
    check.expect(secret.data_type == enums.SecretDataType.PASSWORD,
                 "Secret Data Type {}, expected Password".format(secret.data_type))
    check.expect(bytes(secret.value) == secret_bytes, "the secret bytes differ from those registered")
    raw = client.proxy.get(secret_uid)  # the lower layer keeps the Key Format Type that the pie object drops
    check.expect(raw.result_status.value == enums.ResultStatus.SUCCESS,
                 "second Get failed: {}".format(raw.result_reason.value if raw.result_reason else None))
    fmt = raw.secret.key_block.key_format_type.value
    check.expect(fmt == enums.KeyFormatType.OPAQUE, "Key Format Type {}, expected Opaque".format(fmt))
    check.ok("Secret Data, Password, Opaque, same 32 bytes")

    check.begin("get attributes")
    uid, attrs = client.get_attributes(key_uid, ["State", "Name"])
    check.expect(uid == key_uid, "answered for {} instead of {}".format(uid, key_uid))
    m = attribute_map(attrs)
    check.expect(sorted(m) == ["Name", "State"], "asked for State and Name, got {}".format(sorted(m)))
    check.expect([s.value for s in m["State"]] == [enums.State.PRE_ACTIVE],
                 "State {}, expected Pre-Active".format([s.value for s in m["State"]]))
    got_names = [n.name_value.value for n in m["Name"]]
    check.expect(got_names == [key_name], "Name {}, expected [{}]".format(got_names, key_name))
    check.ok("State Pre-Active, Name {}".format(key_name))

    check.begin("locate by name")
    found = client.locate(attributes=[attribute_factory.create_attribute(enums.AttributeType.NAME, key_name)])
    check.expect(list(found) == [key_uid], "found {}, expected [{}]".format(list(found), key_uid))
    check.ok("exactly [{}]".format(key_uid))

    check.begin("activate")
    client.activate(key_uid)
    state_of(client, check, key_uid, enums.State.ACTIVE)
    check.ok("State Active")

    check.begin("revoke")
    client.revoke(enums.RevocationReasonCode.CESSATION_OF_OPERATION, key_uid)
    state_of(client, check, key_uid, enums.State.DEACTIVATED)
    check.ok("Cessation of Operation -> State Deactivated")

    check.begin("get deactivated")
    again = client.get(key_uid)
    check.expect(isinstance(again, objects.SymmetricKey), "expected a Symmetric Key, got {}".format(type(again).__name__))
    check.expect(bytes(again.value) == key_material, "key material changed after Revoke")
    check.ok("same 32 bytes")

    check.begin("destroy")
    client.destroy(key_uid)
    try:
        client.get(key_uid)
    except pie_exceptions.KmipOperationFailure as e:
        check.expect(e.status == enums.ResultStatus.OPERATION_FAILED,
                     "Get after Destroy: Result Status {}".format(e.status.name))
        check.ok("Get after Destroy fails: {}".format(e.reason.name if e.reason else None))
    else:
        check.expect(False, "Get after Destroy succeeded")

    check.begin("destroy secret")
    client.destroy(secret_uid)
    check.ok("Secret Data destroyed")


def main(argv):
    p = argument_parser("Check a KMIP server with PyKMIP's ProxyKmipClient.")
    return run(parse(p, argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
