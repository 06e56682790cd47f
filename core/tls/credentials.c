/*
 * moor: client certificate chain and private key.
 *
 * Layout of `work`, from the front:
 *   [certificate DERs, when the chain came as PEM][key components]
 * The key's DER, when it came as PEM, is decoded into the free space first,
 * pushed through br_skey_decoder, and wiped before the components are
 * copied out of the decoder, so it is never in `work` at the same time as
 * anything that outlives the call.
 *
 * Stack: a union of br_x509_decoder_context and br_skey_decoder_context,
 * the larger being the key decoder (about 2.1 KiB: it holds every RSA-4096
 * CRT component), so this call needs roughly 2.3 KiB of stack (a 2.2 KiB
 * frame on Cortex-M4 at -Os, gcc -fstack-usage). It is wiped before
 * returning, because it held the private key.
 */
#include <string.h>

#include "moor/x509.h"
#include "moor/status.h"
#include "internal.h"

/* Zero memory in a way the compiler may not drop as a dead store. */
static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = (volatile uint8_t *)p;

	while (n-- > 0)
		*v++ = 0;
}

/* The outer SEQUENCE of a certificate covers exactly `len` bytes. */
static int der_whole_sequence(const uint8_t *d, size_t len)
{
	size_t i = 2, l, nb;

	if (len < 2 || d[0] != 0x30)
		return 0;
	l = d[1];
	if (l & 0x80) {
		nb = l & 0x7F;
		if (nb == 0 || nb > 4 || len - 2 < nb)
			return 0;
		l = 0;
		while (nb-- > 0)
			l = (l << 8) | d[i++];
	}
	return l == len - i;
}

/* Bit length of a big-endian unsigned integer. */
static uint32_t bit_length(const unsigned char *x, size_t len)
{
	uint32_t bits;
	unsigned char top;

	while (len > 0 && *x == 0) {
		x++;
		len--;
	}
	if (len == 0)
		return 0;
	bits = (uint32_t)(len - 1) * 8;
	for (top = *x; top != 0; top >>= 1)
		bits++;
	return bits;
}

static int is_cert_label(const char *label)
{
	return strcmp(label, "CERTIFICATE") == 0 ||
	       strcmp(label, "X509 CERTIFICATE") == 0;
}

static int is_key_label(const char *label)
{
	return strcmp(label, "RSA PRIVATE KEY") == 0 ||
	       strcmp(label, "EC PRIVATE KEY") == 0 ||
	       strcmp(label, "PRIVATE KEY") == 0;
}

/* Certificates: PEM decoded into work, or a single DER used in place. */
static int load_chain(moor_credentials *cr, uint8_t *work, size_t work_len,
	size_t *used, const uint8_t *cert, size_t cert_len)
{
	char label[24];
	size_t pos = 0, n;
	int rc;

	if (!moor_is_pem(cert, cert_len)) {
		cr->chain[0].data = (unsigned char *)(uintptr_t)cert; /* never written */
		cr->chain[0].data_len = cert_len;
		cr->chain_len = 1;
		return MOOR_OK;
	}
	for (;;) {
		rc = moor_pem_next((const char *)cert, cert_len, &pos, label,
			sizeof(label), work + *used, work_len - *used, &n);
		if (rc == 1)
			break;
		if (rc != MOOR_OK)
			return rc;
		if (!is_cert_label(label)) {
			/* Perhaps the key of a combined file: leave no copy. */
			wipe(work + *used, n);
			continue;
		}
		if (cr->chain_len >= MOOR_CONFIG_MAX_CLIENT_CHAIN)
			return MOOR_ERR_BUFFER_TOO_SMALL;
		cr->chain[cr->chain_len].data = work + *used;
		cr->chain[cr->chain_len].data_len = n;
		cr->chain_len++;
		*used += n;
	}
	return cr->chain_len > 0 ? MOOR_OK : MOOR_ERR_PEM;
}

int moor_credentials_load(moor_credentials *cr, uint8_t *work, size_t work_len,
	const uint8_t *cert, size_t cert_len, const uint8_t *key, size_t key_len)
{
	union {
		br_x509_decoder_context x509;
		br_skey_decoder_context skey;
	} u;
	const br_x509_pkey *pk;
	const uint8_t *key_der = key;
	size_t key_der_len = key_len;
	size_t used = 0, key_start = 0, tmp_off = 0, tmp_len = 0, i;
	int leaf_type, rc;
	uint32_t leaf_rsa_bits = 0;
	int leaf_curve = 0;

	if (cr == NULL || cert == NULL || key == NULL || work == NULL)
		return MOOR_ERR_INVALID_ARG;
	memset(cr, 0, sizeof(*cr));

	/* 1. The chain, each certificate at least a whole DER SEQUENCE, and
	 *    the leaf's public key. */
	rc = load_chain(cr, work, work_len, &used, cert, cert_len);
	if (rc != MOOR_OK)
		goto out;
	rc = MOOR_ERR_BAD_CERT;
	for (i = 0; i < cr->chain_len; i++) {
		if (!der_whole_sequence(cr->chain[i].data, cr->chain[i].data_len))
			goto out;
	}
	br_x509_decoder_init(&u.x509, 0, 0);
	br_x509_decoder_push(&u.x509, cr->chain[0].data, cr->chain[0].data_len);
	pk = br_x509_decoder_get_pkey(&u.x509);
	if (pk == NULL)
		goto out;
	leaf_type = pk->key_type;
	if (leaf_type == BR_KEYTYPE_RSA)
		leaf_rsa_bits = bit_length(pk->key.rsa.n, pk->key.rsa.nlen);
	else if (leaf_type == BR_KEYTYPE_EC)
		leaf_curve = pk->key.ec.curve;
	else
		goto out;

	/* 2. The key's DER: the first private key object of a PEM text
	 *    (openssl puts "EC PARAMETERS" before some keys), or DER as is. */
	key_start = used;
	if (moor_is_pem(key, key_len)) {
		char label[24];
		size_t pos = 0;

		for (;;) {
			rc = moor_pem_next((const char *)key, key_len, &pos, label,
				sizeof(label), work + used, work_len - used, &tmp_len);
			if (rc == 1)
				rc = MOOR_ERR_BAD_KEY; /* no (unencrypted) key in it */
			if (rc != MOOR_OK) {
				/* A failed decode may have left key bytes behind. */
				tmp_off = used;
				tmp_len = work_len - used;
				goto out;
			}
			if (is_key_label(label))
				break;
			wipe(work + used, tmp_len);
		}
		tmp_off = used;
		key_der = work + tmp_off;
		key_der_len = tmp_len;
	}

	/* 3. Decode the key and check it suits the certificate. */
	rc = MOOR_ERR_BAD_KEY;
	br_skey_decoder_init(&u.skey);
	br_skey_decoder_push(&u.skey, key_der, key_der_len);
	wipe(work + tmp_off, tmp_len);
	tmp_len = 0;
	if (br_skey_decoder_last_error(&u.skey) != 0 ||
	    br_skey_decoder_key_type(&u.skey) != leaf_type)
		goto out;

	rc = MOOR_ERR_BUFFER_TOO_SMALL;
	if (leaf_type == BR_KEYTYPE_RSA) {
		const br_rsa_private_key *sk = br_skey_decoder_get_rsa(&u.skey);
		br_rsa_private_key *d = &cr->rsa;

		if (sk == NULL || sk->n_bitlen != leaf_rsa_bits) {
			rc = MOOR_ERR_BAD_KEY;
			goto out;
		}
		d->n_bitlen = sk->n_bitlen;
		d->plen = sk->plen;
		d->qlen = sk->qlen;
		d->dplen = sk->dplen;
		d->dqlen = sk->dqlen;
		d->iqlen = sk->iqlen;
		if ((d->p = moor_put_bytes(work, work_len, &used, sk->p, sk->plen)) == NULL ||
		    (d->q = moor_put_bytes(work, work_len, &used, sk->q, sk->qlen)) == NULL ||
		    (d->dp = moor_put_bytes(work, work_len, &used, sk->dp, sk->dplen)) == NULL ||
		    (d->dq = moor_put_bytes(work, work_len, &used, sk->dq, sk->dqlen)) == NULL ||
		    (d->iq = moor_put_bytes(work, work_len, &used, sk->iq, sk->iqlen)) == NULL)
			goto out;
	} else {
		const br_ec_private_key *sk = br_skey_decoder_get_ec(&u.skey);

		if (sk == NULL || sk->curve != leaf_curve) {
			rc = MOOR_ERR_BAD_KEY;
			goto out;
		}
		cr->ec.curve = sk->curve;
		cr->ec.xlen = sk->xlen;
		cr->ec.x = moor_put_bytes(work, work_len, &used, sk->x, sk->xlen);
		if (cr->ec.x == NULL)
			goto out;
	}
	cr->key_type = leaf_type;
	rc = MOOR_OK;

out:
	wipe(&u, sizeof(u));
	if (tmp_len > 0)
		wipe(work + tmp_off, tmp_len);
	if (rc != MOOR_OK) {
		/* Key components copied before the failure, if any (and,
		 * harmlessly, the certificates: nothing refers to them now). */
		if (used > key_start)
			wipe(work + key_start, used - key_start);
		memset(cr, 0, sizeof(*cr));
	}
	return rc;
}
