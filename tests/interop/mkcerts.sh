#!/usr/bin/env bash
# Make a throwaway PKI for moor's interop tests and the demo.
#
#   tests/interop/mkcerts.sh OUTDIR
#
# Everything is generated with /usr/bin/python3 + python3-cryptography,
# because OpenSSL 3.0's command line cannot set arbitrary validity dates
# (expired / not-yet-valid leaves). The dates are fixed, so the results
# of the tests do not depend on when the PKI was made:
#   CAs             2015-01-01 .. 2049-12-31
#   good leaves     2025-01-01 .. 2045-01-01
#   expired leaf    2020-01-01 .. 2021-01-01
#   not-yet-valid   2040-01-01 .. 2045-01-01
#
# Files (all PEM):
#   root.crt root.key           "moor test root CA" (RSA-2048, self-signed)
#   int.crt int.key             "moor test intermediate CA" (P-256, by root)
#   server-rsa.{crt,key}        leaf, RSA-2048, SAN localhost + 127.0.0.1, by int
#   server-ec.{crt,key}         leaf, P-256, same SANs, by int
#   server-rsa-chain.crt        server-rsa.crt + int.crt (what a server sends)
#   server-ec-chain.crt         server-ec.crt + int.crt
#   server-rsa4096.{crt,key}    leaf, RSA-4096, same SANs, by int
#   server-rsa4096-chain.crt    server-rsa4096.crt + int.crt
#   server-ec384.{crt,key}      leaf, P-384, same SANs, by int
#   server-ec384-chain.crt      server-ec384.crt + int.crt
#   expired{,-chain}.crt        expired RSA leaf (+ int) (key: server-rsa.key)
#   notyet{,-chain}.crt         not-yet-valid RSA leaf (+ int) (key: server-rsa.key)
#   wronghost{,-chain}.crt      RSA leaf for DNS:wrong.example (+ int) (key: server-rsa.key)
#   unknown-root.crt            "moor unknown root CA" (P-256), a CA nobody trusts
#   unknown-int.crt             its intermediate
#   unknown-leaf.crt            a localhost leaf under it (key: server-ec.key)
#   unknown-chain.crt           unknown-leaf.crt + unknown-int.crt
#   selfsigned.crt              self-signed leaf, SAN localhost (key: server-ec.key)
#   nointermediate-chain.crt    server-rsa.crt alone (intermediate missing)
#   client-rsa.crt              client leaf, RSA-2048, clientAuth, by root
#   client-rsa.key / client-rsa-pkcs8.key       PKCS#1 ("RSA PRIVATE KEY") / PKCS#8
#   client-ec.crt               client leaf, P-256, clientAuth, by int
#   client-ec-chain.crt         client-ec.crt + int.crt
#   client-ec.key / client-ec-pkcs8.key         SEC1 ("EC PRIVATE KEY") / PKCS#8
#
# Idempotent: does nothing if OUTDIR/.done is newer than this script.
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1
self=$(readlink -f "$0")
if [ -f "$out/.done" ] && [ "$out/.done" -nt "$self" ]; then
	exit 0
fi
mkdir -p "$out"

# Two concurrent callers (ctest -j) must not write the same files at once.
exec 9>"$out/.lock"
flock 9
if [ -f "$out/.done" ] && [ "$out/.done" -nt "$self" ]; then
	exit 0
fi
rm -f "$out/.done"

/usr/bin/python3 - "$out" <<'PY'
import datetime
import ipaddress
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

out = sys.argv[1]
D = datetime.datetime


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def name(cn, ou=None):
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
             x509.NameAttribute(NameOID.ORGANIZATION_NAME, "moor tests")]
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


serial = [1000]


def cert(subject, key, issuer, issuer_key, nb, na, ca=False, sans=None,
         eku=None, issuer_cert=None):
    serial[0] += 1
    b = (x509.CertificateBuilder()
         .subject_name(subject).issuer_name(issuer)
         .public_key(key.public_key())
         .serial_number(serial[0])
         .not_valid_before(nb).not_valid_after(na))
    b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    if ca:
        ku = x509.KeyUsage(digital_signature=True, content_commitment=False,
                           key_encipherment=False, data_encipherment=False,
                           key_agreement=False, key_cert_sign=True,
                           crl_sign=True, encipher_only=False,
                           decipher_only=False)
    else:
        is_rsa = isinstance(key, rsa.RSAPrivateKey)
        ku = x509.KeyUsage(digital_signature=True, content_commitment=False,
                           key_encipherment=is_rsa, data_encipherment=False,
                           key_agreement=False, key_cert_sign=False,
                           crl_sign=False, encipher_only=False,
                           decipher_only=False)
    b = b.add_extension(ku, critical=True)
    b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                        critical=False)
    if issuer_cert is not None:
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False)
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def pem(c):
    return c.public_bytes(serialization.Encoding.PEM)


def write(fname, data):
    path = os.path.join(out, fname)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def key_pem(k, fmt):
    return k.private_bytes(serialization.Encoding.PEM, fmt,
                           serialization.NoEncryption())


TRAD = serialization.PrivateFormat.TraditionalOpenSSL
PKCS8 = serialization.PrivateFormat.PKCS8

ca_nb, ca_na = D(2015, 1, 1), D(2049, 12, 31)
nb, na = D(2025, 1, 1), D(2045, 1, 1)
localhost = [x509.DNSName("localhost"),
             x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
server_eku = [ExtendedKeyUsageOID.SERVER_AUTH]
client_eku = [ExtendedKeyUsageOID.CLIENT_AUTH]

# The trusted hierarchy: RSA root, P-256 intermediate.
root_k = rsa_key()
root_n = name("moor test root CA")
root = cert(root_n, root_k, root_n, root_k, ca_nb, ca_na, ca=True)
int_k = ec_key()
int_n = name("moor test intermediate CA")
inter = cert(int_n, int_k, root_n, root_k, ca_nb, ca_na, ca=True, issuer_cert=root)

srv_rsa_k = rsa_key()
srv_ec_k = ec_key()


def leaf(cn, k, nb_, na_, sans=localhost, eku=server_eku, iss=(int_n, int_k, inter)):
    return cert(name(cn, "servers"), k, iss[0], iss[1], nb_, na_, sans=sans,
                eku=eku, issuer_cert=iss[2])


srv_rsa = leaf("localhost", srv_rsa_k, nb, na)
srv_ec = leaf("localhost", srv_ec_k, nb, na)
srv_rsa4096_k = rsa.generate_private_key(public_exponent=65537, key_size=4096)
srv_rsa4096 = leaf("localhost", srv_rsa4096_k, nb, na)
srv_ec384_k = ec.generate_private_key(ec.SECP384R1())
srv_ec384 = leaf("localhost", srv_ec384_k, nb, na)
expired = leaf("expired.localhost", srv_rsa_k, D(2020, 1, 1), D(2021, 1, 1))
notyet = leaf("notyet.localhost", srv_rsa_k, D(2040, 1, 1), D(2045, 1, 1))
wrong = leaf("wrong.example", srv_rsa_k, nb, na, sans=[x509.DNSName("wrong.example")])

# A hierarchy nobody trusts.
unk_root_k = ec_key()
unk_root_n = name("moor unknown root CA")
unk_root = cert(unk_root_n, unk_root_k, unk_root_n, unk_root_k, ca_nb, ca_na, ca=True)
unk_int_k = ec_key()
unk_int_n = name("moor unknown intermediate CA")
unk_int = cert(unk_int_n, unk_int_k, unk_root_n, unk_root_k, ca_nb, ca_na, ca=True,
               issuer_cert=unk_root)
unk_leaf = leaf("localhost", srv_ec_k, nb, na, iss=(unk_int_n, unk_int_k, unk_int))

# Self-signed leaf (not a CA).
ss_n = name("localhost", "self-signed")
selfsigned = cert(ss_n, srv_ec_k, ss_n, srv_ec_k, nb, na, sans=localhost, eku=server_eku)

# Client certificates.
cli_rsa_k = rsa_key()
cli_rsa = cert(name("moor client rsa", "clients"), cli_rsa_k, root_n, root_k, nb, na,
               eku=client_eku, issuer_cert=root)
cli_ec_k = ec_key()
cli_ec = cert(name("moor client ec", "clients"), cli_ec_k, int_n, int_k, nb, na,
              eku=client_eku, issuer_cert=inter)

write("root.crt", pem(root))
write("root.key", key_pem(root_k, PKCS8))
write("int.crt", pem(inter))
write("int.key", key_pem(int_k, PKCS8))
write("server-rsa.crt", pem(srv_rsa))
write("server-rsa.key", key_pem(srv_rsa_k, TRAD))
write("server-ec.crt", pem(srv_ec))
write("server-ec.key", key_pem(srv_ec_k, TRAD))
write("server-rsa-chain.crt", pem(srv_rsa) + pem(inter))
write("server-ec-chain.crt", pem(srv_ec) + pem(inter))
write("server-rsa4096.crt", pem(srv_rsa4096))
write("server-rsa4096.key", key_pem(srv_rsa4096_k, TRAD))
write("server-rsa4096-chain.crt", pem(srv_rsa4096) + pem(inter))
write("server-ec384.crt", pem(srv_ec384))
write("server-ec384.key", key_pem(srv_ec384_k, TRAD))
write("server-ec384-chain.crt", pem(srv_ec384) + pem(inter))
write("expired.crt", pem(expired))
write("expired-chain.crt", pem(expired) + pem(inter))
write("notyet.crt", pem(notyet))
write("wronghost.crt", pem(wrong))
write("unknown-leaf.crt", pem(unk_leaf))
write("unknown-int.crt", pem(unk_int))
write("notyet-chain.crt", pem(notyet) + pem(inter))
write("wronghost-chain.crt", pem(wrong) + pem(inter))
write("unknown-root.crt", pem(unk_root))
write("unknown-chain.crt", pem(unk_leaf) + pem(unk_int))
write("selfsigned.crt", pem(selfsigned))
write("nointermediate-chain.crt", pem(srv_rsa))
write("client-rsa.crt", pem(cli_rsa))
write("client-rsa.key", key_pem(cli_rsa_k, TRAD))
write("client-rsa-pkcs8.key", key_pem(cli_rsa_k, PKCS8))
write("client-ec.crt", pem(cli_ec))
write("client-ec-chain.crt", pem(cli_ec) + pem(inter))
write("client-ec.key", key_pem(cli_ec_k, TRAD))
write("client-ec-pkcs8.key", key_pem(cli_ec_k, PKCS8))
PY
touch "$out/.done"
