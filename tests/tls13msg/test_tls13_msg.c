/*
 * The TLS 1.3 message codec without a network: the ClientHello encoder's
 * size reporting and bounds, and the ServerHello parser on well-formed,
 * truncated and illegal inputs built here byte by byte. Then the windowed
 * ClientHello encoder (every window size), several key shares and the
 * pre_shared_key extension checked by an independent walk of the
 * encoding, impossible requests, and the parsers of the server's
 * encrypted flight (EncryptedExtensions, CertificateRequest,
 * CertificateVerify, NewSessionTicket, the streamed Certificate) with the
 * alert each failure must carry.
 */
#include <stdio.h>
#include <string.h>

#include "moor/status.h"
#include "moor/tls13_msg.h"
#include "testlib.h"

static const uint16_t suites[] = { 0x1301, 0x1303 };
static const uint16_t groups[] = { 29, 23 };
static const uint16_t sigs[] = { 0x0403, 0x0804 };
static uint8_t random32[32], sid[32], share[32];

static void fill_ch(moor_tls13_client_hello *ch)
{
	memset(ch, 0, sizeof *ch);
	ch->random = random32;
	ch->session_id = sid;
	ch->session_id_len = 32;
	ch->server_name = "db.example.com";
	ch->suites = suites;
	ch->n_suites = 2;
	ch->groups = groups;
	ch->n_groups = 2;
	ch->share_group = 29;
	ch->share = share;
	ch->share_len = 32;
	ch->sig_algs = sigs;
	ch->n_sig_algs = 2;
	ch->sig_algs_cert = sigs;
	ch->n_sig_algs_cert = 2;
	ch->record_size_limit = 1024;
	ch->max_fragment_code = 2;
}

/* --- a tiny writer for building ServerHellos --- */
static uint8_t sh[512];
static size_t shn;
static void b8(unsigned v) { sh[shn++] = (uint8_t)v; }
static void b16(unsigned v) { b8(v >> 8); b8(v & 0xff); }
static void bn(const uint8_t *d, size_t n) { memcpy(sh + shn, d, n); shn += n; }

enum { F_HRR = 1, F_NO_SV = 2, F_DUP_KS = 4, F_UNKNOWN = 8, F_COOKIE = 16,
	F_SV12 = 32, F_COMP = 64, F_TRAIL = 128, F_PSK = 256, F_NO_KS = 512,
	F_BAD_SID = 1024, F_RENEG = 2048, F_SENTINEL = 4096 };

static void build_sh(unsigned f)
{
	size_t lenpos, extpos;
	uint8_t rnd[32];

	memset(rnd, 0x5a, sizeof rnd);
	if (f & F_SENTINEL)
		memcpy(rnd + 24, "DOWNGRD\001", 8);
	shn = 0;
	b8(2);
	lenpos = shn;
	b8(0); b16(0);
	b16(0x0303);
	bn(f & F_HRR ? moor_tls13_hrr_random : rnd, 32);
	b8(32);
	bn(sid, 32);
	if (f & F_BAD_SID)
		sh[shn - 1] ^= 1;
	b16(0x1301);
	b8(f & F_COMP ? 1 : 0);
	extpos = shn;
	b16(0);
	if (!(f & F_NO_SV)) {
		b16(43); b16(2); b16(f & F_SV12 ? 0x0303 : 0x0304);
	}
	if (f & F_RENEG) {
		b16(0xff01); b16(1); b8(0);
	}
	if (!(f & F_NO_KS)) {
		if (f & F_HRR) {
			b16(51); b16(2); b16(24);
		} else {
			b16(51); b16(36); b16(29); b16(32); bn(share, 32);
		}
		if (f & F_DUP_KS) {
			b16(51); b16(2); b16(24);
		}
	}
	if (f & F_UNKNOWN) {
		b16(0x1234); b16(0);
	}
	if (f & F_COOKIE) {
		b16(44); b16(5); b16(3); b8(1); b8(2); b8(3);
	}
	if (f & F_PSK) {
		b16(41); b16(2); b16(0);
	}
	sh[extpos] = (uint8_t)((shn - extpos - 2) >> 8);
	sh[extpos + 1] = (uint8_t)(shn - extpos - 2);
	if (f & F_TRAIL)
		b8(0);
	sh[lenpos + 1] = (uint8_t)((shn - 4) >> 8);
	sh[lenpos + 2] = (uint8_t)(shn - 4);
}

static int parse(unsigned f, moor_tls13_server_hello *out)
{
	build_sh(f);
	return moor_tls13_parse_server_hello(sh, shn, sid, 32, out);
}

/* ================================================================== */
/* Shared helpers for the tests below.                                 */

/* A copy of n bytes placed at the very end of a static buffer, so that a
 * parser reading one byte too far runs into the sanitizer's red zone. */
static uint8_t endbuf[8192];
static const uint8_t *at_end(const uint8_t *m, size_t n)
{
	uint8_t *p = endbuf + sizeof endbuf - n;

	if (n > 0)
		memmove(p, m, n);
	return p;
}

/* A byte builder for the messages the parsers get. */
static uint8_t mb[4096];
static size_t mn;
static void m8(unsigned v) { mb[mn++] = (uint8_t)(v & 0xff); }
static void m16(unsigned v) { m8(v >> 8); m8(v); }
static void m24(unsigned long v) { m8((unsigned)(v >> 16)); m16((unsigned)(v & 0xffff)); }
static void m32(unsigned long v) { m16((unsigned)(v >> 16) & 0xffff); m16((unsigned)(v & 0xffff)); }
static void mbytes(const uint8_t *d, size_t n) { memcpy(mb + mn, d, n); mn += n; }
static void mpattern(unsigned seed, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		m8(seed + 7 * (unsigned)i);
}

/* Length fields filled in afterwards: mlen_open reserves `width` bytes,
 * mlen_close stores how many bytes followed them. */
static size_t mlen_open(unsigned width)
{
	size_t at = mn;
	unsigned i;

	for (i = 0; i < width; i++)
		m8(0);
	return at;
}

static void mlen_close(size_t at, unsigned width)
{
	size_t v = mn - at - width;
	unsigned i;

	for (i = 0; i < width; i++)
		mb[at + i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

/* One extension with its data. */
static void mext(unsigned type, const uint8_t *d, size_t n)
{
	m16(type);
	m16((unsigned)n);
	if (n > 0)
		mbytes(d, n);
}

/* Start a handshake message of `type`; returns its length field. */
static size_t msg_begin(unsigned type)
{
	mn = 0;
	m8(type);
	return mlen_open(3);
}

static uint8_t g_alert;

/* Expect MOOR_ERR_TLS_PROTOCOL with alert `a` from the expression. */
#define CHECK_ALERT(call, a) do { \
	g_alert = 0xee; \
	MOOR_CHECK_INT((call), MOOR_ERR_TLS_PROTOCOL); \
	MOOR_CHECK_INT(g_alert, (a)); } while (0)

/* A reader for the independent ClientHello walk. */
typedef struct {
	const uint8_t *p;
	size_t n;
	int bad;
} cur;

static unsigned c8(cur *c)
{
	if (c->bad || c->n == 0) {
		c->bad = 1;
		return 0;
	}
	c->n--;
	return *c->p++;
}

static unsigned c16(cur *c)
{
	unsigned hi = c8(c);

	return (hi << 8) | c8(c);
}

static unsigned long c24(cur *c)
{
	unsigned long hi = c8(c);

	return (hi << 16) | c16(c);
}

static const uint8_t *ctake(cur *c, size_t k)
{
	const uint8_t *s = c->p;

	if (c->bad || c->n < k) {
		c->bad = 1;
		return NULL;
	}
	c->p += k;
	c->n -= k;
	return s;
}

/* ================================================================== */
/* ClientHello: an independent walk of the encoding.                   */

static void check_u16_list(cur *e, const uint16_t *v, size_t n)
{
	size_t i;

	MOOR_CHECK_INT(c16(e), 2 * n);
	for (i = 0; i < n; i++)
		MOOR_CHECK_INT(c16(e), v[i]);
}

/* Extension types the encoder may write, in a fixed table for counting. */
static const unsigned ch_ext_types[] = {
	MOOR_EXT_SERVER_NAME, MOOR_EXT_MAX_FRAGMENT_LENGTH, MOOR_EXT_SUPPORTED_GROUPS,
	MOOR_EXT_SIGNATURE_ALGORITHMS, MOOR_EXT_SIGNATURE_ALGORITHMS_CERT,
	MOOR_EXT_RECORD_SIZE_LIMIT, MOOR_EXT_SUPPORTED_VERSIONS, MOOR_EXT_COOKIE,
	MOOR_EXT_PSK_KEY_EXCHANGE_MODES, MOOR_EXT_KEY_SHARE, MOOR_EXT_PRE_SHARED_KEY
};
#define N_CH_EXT (sizeof ch_ext_types / sizeof ch_ext_types[0])

/* Walk a ClientHello encoding m[0..n) and check every field against ch. */
static void check_ch(const uint8_t *m, size_t n, const moor_tls13_client_hello *ch)
{
	cur c, x, e;
	const uint8_t *p;
	unsigned seen[N_CH_EXT], want, type, last = 0xffffffffu;
	size_t i, k, dlen, ext_len, n_exts = 0;
	moor_tls13_key_share single;
	const moor_tls13_key_share *ks;
	size_t n_ks;

	memset(seen, 0, sizeof seen);
	c.p = m;
	c.n = n;
	c.bad = 0;
	MOOR_CHECK_INT(c8(&c), MOOR_HS_CLIENT_HELLO);
	MOOR_CHECK_INT(c24(&c), n - 4);
	MOOR_CHECK_INT(c16(&c), 0x0303);
	p = ctake(&c, 32);
	MOOR_CHECK(p != NULL && memcmp(p, ch->random, 32) == 0);
	MOOR_CHECK_INT(c8(&c), ch->session_id_len);
	p = ctake(&c, ch->session_id_len);
	MOOR_CHECK(p != NULL && (ch->session_id_len == 0
		|| memcmp(p, ch->session_id, ch->session_id_len) == 0));
	check_u16_list(&c, ch->suites, ch->n_suites);
	MOOR_CHECK_INT(c8(&c), 1);                 /* one compression method */
	MOOR_CHECK_INT(c8(&c), 0);                 /* null */
	ext_len = c16(&c);
	MOOR_CHECK_INT(ext_len, c.n);              /* extensions end the message */
	MOOR_CHECK(!c.bad);
	if (c.bad)
		return;
	x.p = ctake(&c, ext_len);
	x.n = x.p != NULL ? ext_len : 0;
	x.bad = x.p == NULL;

	if (ch->n_shares > 0) {
		ks = ch->shares;
		n_ks = ch->n_shares;
	} else {
		single.group = ch->share_group;
		single.pub = ch->share;
		single.pub_len = ch->share_len;
		ks = &single;
		n_ks = 1;
	}

	while (x.n > 0 && !x.bad) {
		type = c16(&x);
		dlen = c16(&x);
		e.p = ctake(&x, dlen);
		e.n = e.p != NULL ? dlen : 0;
		e.bad = e.p == NULL;
		if (x.bad)
			break;
		n_exts++;
		last = type;
		for (k = 0; k < N_CH_EXT && ch_ext_types[k] != type; k++)
			;
		if (k == N_CH_EXT) {
			printf("unexpected ClientHello extension %u\n", type);
			MOOR_CHECK(!"known extension type");
			continue;
		}
		seen[k]++;
		switch (type) {
		case MOOR_EXT_SERVER_NAME:
			MOOR_CHECK_INT(c16(&e), dlen - 2);          /* server_name_list */
			MOOR_CHECK_INT(c8(&e), 0);                  /* host_name */
			MOOR_CHECK_INT(c16(&e), ch->server_name != NULL ? strlen(ch->server_name) : 0);
			p = ctake(&e, ch->server_name != NULL ? strlen(ch->server_name) : 0);
			MOOR_CHECK(p != NULL && ch->server_name != NULL
				&& memcmp(p, ch->server_name, strlen(ch->server_name)) == 0);
			break;
		case MOOR_EXT_MAX_FRAGMENT_LENGTH:
			MOOR_CHECK_INT(dlen, 1);
			MOOR_CHECK_INT(c8(&e), ch->max_fragment_code);
			break;
		case MOOR_EXT_SUPPORTED_GROUPS:
			MOOR_CHECK_INT(dlen, 2 + 2 * ch->n_groups);
			check_u16_list(&e, ch->groups, ch->n_groups);
			break;
		case MOOR_EXT_SIGNATURE_ALGORITHMS:
			MOOR_CHECK_INT(dlen, 2 + 2 * ch->n_sig_algs);
			check_u16_list(&e, ch->sig_algs, ch->n_sig_algs);
			break;
		case MOOR_EXT_SIGNATURE_ALGORITHMS_CERT:
			MOOR_CHECK_INT(dlen, 2 + 2 * ch->n_sig_algs_cert);
			check_u16_list(&e, ch->sig_algs_cert, ch->n_sig_algs_cert);
			break;
		case MOOR_EXT_RECORD_SIZE_LIMIT:
			MOOR_CHECK_INT(dlen, 2);
			MOOR_CHECK_INT(c16(&e), ch->record_size_limit);
			break;
		case MOOR_EXT_SUPPORTED_VERSIONS:
			MOOR_CHECK_INT(c8(&e), ch->offer_tls12 ? 4 : 2);
			MOOR_CHECK_INT(c16(&e), 0x0304);
			if (ch->offer_tls12)
				MOOR_CHECK_INT(c16(&e), 0x0303);
			break;
		case MOOR_EXT_COOKIE:
			MOOR_CHECK_INT(c16(&e), ch->cookie_len);
			p = ctake(&e, ch->cookie_len);
			MOOR_CHECK(p != NULL && ch->cookie != NULL
				&& memcmp(p, ch->cookie, ch->cookie_len) == 0);
			break;
		case MOOR_EXT_PSK_KEY_EXCHANGE_MODES:
			MOOR_CHECK_INT(dlen, 2);
			MOOR_CHECK_INT(c8(&e), 1);                  /* one mode */
			MOOR_CHECK_INT(c8(&e), 1);                  /* psk_dhe_ke */
			break;
		case MOOR_EXT_KEY_SHARE: {
			size_t total = 0;

			for (i = 0; i < n_ks; i++)
				total += 4 + ks[i].pub_len;
			MOOR_CHECK_INT(c16(&e), total);              /* client_shares */
			for (i = 0; i < n_ks; i++) {
				MOOR_CHECK_INT(c16(&e), ks[i].group);
				MOOR_CHECK_INT(c16(&e), ks[i].pub_len);
				p = ctake(&e, ks[i].pub_len);
				MOOR_CHECK(p != NULL && memcmp(p, ks[i].pub, ks[i].pub_len) == 0);
			}
			break;
		}
		case MOOR_EXT_PRE_SHARED_KEY:
			MOOR_CHECK_INT(c16(&e), 2 + ch->psk_identity_len + 4);  /* identities */
			MOOR_CHECK_INT(c16(&e), ch->psk_identity_len);
			p = ctake(&e, ch->psk_identity_len);
			MOOR_CHECK(p != NULL && ch->psk_identity != NULL
				&& memcmp(p, ch->psk_identity, ch->psk_identity_len) == 0);
			MOOR_CHECK_INT(c8(&e), (ch->psk_age >> 24) & 0xff);
			MOOR_CHECK_INT(c8(&e), (ch->psk_age >> 16) & 0xff);
			MOOR_CHECK_INT(c8(&e), (ch->psk_age >> 8) & 0xff);
			MOOR_CHECK_INT(c8(&e), ch->psk_age & 0xff);
			MOOR_CHECK_INT(c16(&e), 1 + ch->binder_len);            /* binders */
			MOOR_CHECK_INT(c8(&e), ch->binder_len);
			p = ctake(&e, ch->binder_len);
			MOOR_CHECK(p != NULL);
			for (i = 0; p != NULL && i < ch->binder_len; i++) {
				if (p[i] != (ch->binder != NULL ? ch->binder[i] : 0)) {
					MOOR_CHECK_INT(p[i], ch->binder != NULL ? ch->binder[i] : 0);
					break;
				}
			}
			break;
		default:
			break;
		}
		MOOR_CHECK(!e.bad);
		MOOR_CHECK_INT(e.n, 0);                          /* nothing left over */
	}
	MOOR_CHECK(!x.bad);
	MOOR_CHECK(n_exts > 0);
	for (k = 0; k < N_CH_EXT; k++) {
		switch (ch_ext_types[k]) {
		case MOOR_EXT_SERVER_NAME:
			want = ch->server_name != NULL;
			break;
		case MOOR_EXT_MAX_FRAGMENT_LENGTH:
			want = ch->max_fragment_code != 0;
			break;
		case MOOR_EXT_SIGNATURE_ALGORITHMS_CERT:
			want = ch->sig_algs_cert != NULL && ch->n_sig_algs_cert > 0;
			break;
		case MOOR_EXT_RECORD_SIZE_LIMIT:
			want = ch->record_size_limit != 0;
			break;
		case MOOR_EXT_COOKIE:
			want = ch->cookie != NULL;
			break;
		case MOOR_EXT_PRE_SHARED_KEY:
			want = ch->binder_len != 0;
			break;
		default:
			want = 1;
			break;
		}
		if (seen[k] != want) {
			printf("extension %u: seen %u times, want %u\n", ch_ext_types[k], seen[k], want);
			MOOR_CHECK_INT(seen[k], want);
		}
	}
	moor_test_checks++;
	/* pre_shared_key MUST be the last extension (RFC 8446 4.2.11) */
	if (ch->binder_len != 0)
		MOOR_CHECK_INT(last, MOOR_EXT_PRE_SHARED_KEY);
}

/* ClientHellos to encode: shares, cookie, PSK, with and without SNI. */
static uint8_t pub_p256[65], pub_p384[97], cookie37[37], ident45[45], binder32[32];
static const uint16_t groups3[] = { 29, 23, 24 };
static moor_tls13_key_share shares3[3];

static void setup_ch_data(void)
{
	size_t i;

	for (i = 0; i < sizeof pub_p256; i++)
		pub_p256[i] = (uint8_t)(i == 0 ? 4 : 0x10 + i);
	for (i = 0; i < sizeof pub_p384; i++)
		pub_p384[i] = (uint8_t)(i == 0 ? 4 : 0x90 + i);
	for (i = 0; i < sizeof cookie37; i++)
		cookie37[i] = (uint8_t)(0xc0 ^ i);
	for (i = 0; i < sizeof ident45; i++)
		ident45[i] = (uint8_t)(0x11 * i + 3);
	for (i = 0; i < sizeof binder32; i++)
		binder32[i] = (uint8_t)(0xb0 + i);
	shares3[0].group = 29;
	shares3[0].pub = share;
	shares3[0].pub_len = 32;
	shares3[1].group = 23;
	shares3[1].pub = pub_p256;
	shares3[1].pub_len = 65;
	shares3[2].group = 24;
	shares3[2].pub = pub_p384;
	shares3[2].pub_len = 97;
}

enum { CH_PLAIN, CH_3SHARES, CH_COOKIE, CH_PSK, CH_PSK_NULL, CH_N };

static void make_ch(moor_tls13_client_hello *ch, int which)
{
	fill_ch(ch);
	switch (which) {
	case CH_PLAIN:          /* the single share fields, SNI */
		break;
	case CH_3SHARES:        /* three shares, no SNI, TLS 1.2 too */
		ch->server_name = NULL;
		ch->groups = groups3;
		ch->n_groups = 3;
		ch->shares = shares3;
		ch->n_shares = 3;
		ch->offer_tls12 = 1;
		break;
	case CH_COOKIE:         /* a cookie, one share from the array (P-256) */
		ch->groups = groups3 + 1;
		ch->n_groups = 1;
		ch->shares = shares3 + 1;
		ch->n_shares = 1;
		ch->cookie = cookie37;
		ch->cookie_len = sizeof cookie37;
		break;
	case CH_PSK:            /* PSK identity with a real binder, two shares */
		ch->shares = shares3;
		ch->n_shares = 2;
		ch->psk_identity = ident45;
		ch->psk_identity_len = sizeof ident45;
		ch->psk_age = 0x01020304;
		ch->binder = binder32;
		ch->binder_len = 32;
		break;
	default:                /* the truncated form: binder NULL, SHA-384, lean */
		ch->server_name = NULL;
		ch->session_id_len = 0;
		ch->sig_algs_cert = NULL;
		ch->n_sig_algs_cert = 0;
		ch->record_size_limit = 0;
		ch->max_fragment_code = 0;
		ch->groups = groups3;
		ch->n_groups = 3;
		ch->shares = shares3;
		ch->n_shares = 3;
		ch->cookie = cookie37;
		ch->cookie_len = 5;
		ch->psk_identity = ident45;
		ch->psk_identity_len = 7;
		ch->psk_age = 0xfedcba98;
		ch->binder = NULL;
		ch->binder_len = 48;
		break;
	}
}

/* 1. Every window size: the windows put together are the message. */
static uint8_t ref[70000];
#define WGUARD 24
static uint8_t wscratch[1024 + 2 * WGUARD], wjoin[1024];

static void test_windows(void)
{
	static const uint8_t canaries[2] = { 0x3c, 0xc3 };
	moor_tls13_client_hello ch;
	size_t n, len, w, skip, valid, i;
	unsigned ci;
	int which, st, ok;

	for (which = 0; which < CH_N; which++) {
		make_ch(&ch, which);
		MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, ref, sizeof ref, &n), MOOR_OK);
		MOOR_CHECK(n > 100 && n <= sizeof wjoin);
		if (n > sizeof wjoin)
			continue;
		check_ch(ref, n, &ch);
		ok = 1;
		for (ci = 0; ci < 2 && ok; ci++) {
			for (w = 1; w <= n && ok; w++) {
				memset(wjoin, 0, sizeof wjoin);
				for (skip = 0; skip < n && ok; skip += w) {
					memset(wscratch, canaries[ci], sizeof wscratch);
					len = 0;
					st = moor_tls13_client_hello_window(&ch, skip,
						wscratch + WGUARD, w, &len);
					valid = n - skip < w ? n - skip : w;
					if (st != MOOR_OK || len != n) {
						printf("ch %d window skip=%zu cap=%zu: st=%d len=%zu (want %zu)\n",
							which, skip, w, st, len, n);
						ok = 0;
					}
					for (i = 0; i < sizeof wscratch && ok; i++) {
						if ((i < WGUARD || i >= WGUARD + valid)
							&& wscratch[i] != canaries[ci]) {
							printf("ch %d window skip=%zu cap=%zu: byte %ld outside it written\n",
								which, skip, w, (long)i - WGUARD);
							ok = 0;
						}
					}
					memcpy(wjoin + skip, wscratch + WGUARD, valid);
				}
				if (ok && memcmp(wjoin, ref, n) != 0) {
					printf("ch %d windows of %zu do not join into the message\n", which, w);
					ok = 0;
				}
			}
		}
		MOOR_CHECK(ok);
		/* a window at or past the end: nothing written, total reported */
		memset(wscratch, 0x3c, sizeof wscratch);
		len = 0;
		MOOR_CHECK_INT(moor_tls13_client_hello_window(&ch, n, wscratch, 64, &len), MOOR_OK);
		MOOR_CHECK_INT(len, n);
		len = 0;
		MOOR_CHECK_INT(moor_tls13_client_hello_window(&ch, n + 1000, wscratch, 64, &len), MOOR_OK);
		MOOR_CHECK_INT(len, n);
		for (i = 0; i < sizeof wscratch && wscratch[i] == 0x3c; i++)
			;
		MOOR_CHECK_INT(i, sizeof wscratch);
		/* a pure size query in the middle */
		len = 0;
		MOOR_CHECK_INT(moor_tls13_client_hello_window(&ch, 17, NULL, 0, &len), MOOR_OK);
		MOOR_CHECK_INT(len, n);
		/* the one-shot encoder with an exact buffer, and one byte short */
		memset(wscratch, 0x3c, sizeof wscratch);
		MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, wscratch, n, &len), MOOR_OK);
		MOOR_CHECK_INT(len, n);
		MOOR_CHECK(memcmp(wscratch, ref, n) == 0);
		MOOR_CHECK_INT(wscratch[n], 0x3c);
		MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, wscratch, n - 1, &len),
			MOOR_ERR_BUFFER_TOO_SMALL);
		MOOR_CHECK_INT(len, n);
	}
}

/* 2. pre_shared_key: placement, lengths, the binders tail, the age. */
static void test_psk(void)
{
	static uint8_t a[1024], b[1024];
	moor_tls13_client_hello ch;
	size_t na, nb, n0, bl, i, at;
	int zeros;

	/* a real binder */
	make_ch(&ch, CH_PSK);
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, a, sizeof a, &na), MOOR_OK);
	check_ch(a, na, &ch);
	bl = 32;
	at = na - 3 - bl;                                   /* the binders list */
	MOOR_CHECK_INT(a[at], 0);
	MOOR_CHECK_INT(a[at + 1], 33);                       /* binders<33..> */
	MOOR_CHECK_INT(a[at + 2], 32);                       /* one binder of 32 */
	MOOR_CHECK(memcmp(a + na - 32, binder32, 32) == 0);
	/* before it: the obfuscated age, big-endian, and the identity */
	MOOR_CHECK_INT(a[at - 4], 0x01);
	MOOR_CHECK_INT(a[at - 3], 0x02);
	MOOR_CHECK_INT(a[at - 2], 0x03);
	MOOR_CHECK_INT(a[at - 1], 0x04);
	MOOR_CHECK(memcmp(a + at - 4 - 45, ident45, 45) == 0);
	MOOR_CHECK_INT(a[at - 4 - 45 - 2], 0);
	MOOR_CHECK_INT(a[at - 4 - 45 - 1], 45);              /* identity length */
	MOOR_CHECK_INT(a[at - 4 - 45 - 4], 0);
	MOOR_CHECK_INT(a[at - 4 - 45 - 3], 45 + 6);          /* identities length */
	/* the extension header: type 41, data = identities + binders */
	MOOR_CHECK_INT(a[at - 4 - 45 - 8], 0);
	MOOR_CHECK_INT(a[at - 4 - 45 - 7], 41);
	MOOR_CHECK_INT(a[at - 4 - 45 - 6], 0);
	MOOR_CHECK_INT(a[at - 4 - 45 - 5], 2 + 51 + 2 + 33);

	/* binder NULL: same message, zeros in the binder; the prefix the
	 * binder is computed over is identical */
	ch.binder = NULL;
	memset(b, 0x77, sizeof b);
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, b, sizeof b, &nb), MOOR_OK);
	MOOR_CHECK_INT(nb, na);
	check_ch(b, nb, &ch);
	MOOR_CHECK(memcmp(a, b, na - bl) == 0);
	for (i = 0, zeros = 1; i < bl; i++)
		zeros &= b[nb - bl + i] == 0;
	MOOR_CHECK(zeros);
	MOOR_CHECK_INT(b[nb - bl - 3], 0);
	MOOR_CHECK_INT(b[nb - bl - 2], bl + 1);
	MOOR_CHECK_INT(b[nb - bl - 1], bl);
	MOOR_CHECK_INT(b[nb], 0x77);

	/* SHA-384 binder, NULL, and an age with the top bit set */
	make_ch(&ch, CH_PSK_NULL);
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, b, sizeof b, &nb), MOOR_OK);
	check_ch(b, nb, &ch);
	bl = 48;
	for (i = 0, zeros = 1; i < bl; i++)
		zeros &= b[nb - bl + i] == 0;
	MOOR_CHECK(zeros);
	MOOR_CHECK_INT(b[nb - bl - 3], 0);
	MOOR_CHECK_INT(b[nb - bl - 2], 49);
	MOOR_CHECK_INT(b[nb - bl - 1], 48);
	MOOR_CHECK_INT(b[nb - bl - 7], 0xfe);
	MOOR_CHECK_INT(b[nb - bl - 6], 0xdc);
	MOOR_CHECK_INT(b[nb - bl - 5], 0xba);
	MOOR_CHECK_INT(b[nb - bl - 4], 0x98);
	/* the whole-message and extension-block lengths count the PSK */
	MOOR_CHECK_INT((size_t)b[1] << 16 | (size_t)b[2] << 8 | b[3], nb - 4);
	/* extensions start after: 4 hdr, 2 version, 32 random, 1 + 0 session
	 * id, 2 + 4 suites, 2 compression */
	MOOR_CHECK_INT((size_t)b[4 + 2 + 32 + 1 + 2 + 4 + 2] << 8 | b[4 + 2 + 32 + 1 + 2 + 4 + 3],
		nb - (4 + 2 + 32 + 1 + 2 + 4 + 2 + 2));

	/* an identity without a binder length: no PSK offered at all */
	make_ch(&ch, CH_PSK);
	ch.binder_len = 0;
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, b, sizeof b, &nb), MOOR_OK);
	check_ch(b, nb, &ch);
	ch.psk_identity = NULL;
	ch.psk_identity_len = 0;
	ch.binder = NULL;
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, a, sizeof a, &n0), MOOR_OK);
	MOOR_CHECK_INT(nb, n0);
	MOOR_CHECK(memcmp(a, b, n0) == 0);
	/* and the PSK adds exactly its extension */
	MOOR_CHECK_INT(na - n0, 4 + 2 + (2 + 45 + 4) + 2 + (1 + 32));
}

/* 3. Impossible requests: MOOR_ERR_INVALID_ARG and not a byte written. */
static uint8_t bigid[65536];

static int untouched(const uint8_t *b, size_t n, unsigned v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != v)
			return 0;
	return 1;
}

static void expect_invalid(const moor_tls13_client_hello *ch, const char *what)
{
	static uint8_t out[1024];
	size_t len = 12345;
	int st;

	memset(out, 0x5a, sizeof out);
	st = moor_tls13_write_client_hello(ch, out, sizeof out, &len);
	if (st != MOOR_ERR_INVALID_ARG)
		printf("invalid ClientHello (%s): write gave %d\n", what, st);
	MOOR_CHECK_INT(st, MOOR_ERR_INVALID_ARG);
	MOOR_CHECK(untouched(out, sizeof out, 0x5a));
	st = moor_tls13_client_hello_window(ch, 3, out, sizeof out, &len);
	if (st != MOOR_ERR_INVALID_ARG)
		printf("invalid ClientHello (%s): window gave %d\n", what, st);
	MOOR_CHECK_INT(st, MOOR_ERR_INVALID_ARG);
	MOOR_CHECK(untouched(out, sizeof out, 0x5a));
	MOOR_CHECK_INT(moor_tls13_write_client_hello(ch, NULL, 0, &len), MOOR_ERR_INVALID_ARG);
}

/* Length of the extensions block of an encoded ClientHello. */
static size_t ext_block_len(const uint8_t *m)
{
	size_t at = 4 + 2 + 32;

	at += 1 + m[at];                                     /* session id */
	at += 2 + ((size_t)m[at] << 8 | m[at + 1]);          /* suites */
	at += 1 + m[at];                                     /* compression */
	return (size_t)m[at] << 8 | m[at + 1];
}

static void test_invalid(void)
{
	moor_tls13_client_hello ch;
	moor_tls13_key_share four[4], bad[3];
	size_t len, e0, lmax, cmax;
	int st;

	memcpy(four, shares3, sizeof shares3);
	four[3] = shares3[0];
	make_ch(&ch, CH_3SHARES);
	ch.shares = four;
	ch.n_shares = 4;                                     /* too many */
	expect_invalid(&ch, "4 shares");
	ch.n_shares = 1000;
	expect_invalid(&ch, "1000 shares");
	ch.shares = NULL;
	ch.n_shares = 2;
	expect_invalid(&ch, "shares NULL");
	memcpy(bad, shares3, sizeof shares3);
	bad[1].pub_len = 134;                                /* past P-521's 133 */
	ch.shares = bad;
	ch.n_shares = 3;
	expect_invalid(&ch, "share 134 bytes");
	bad[1].pub_len = 0x10000;
	expect_invalid(&ch, "share 64 KiB");
	bad[1].pub_len = 0;                                  /* key_exchange<1..> */
	expect_invalid(&ch, "empty share");
	bad[1].pub_len = 65;
	bad[1].pub = NULL;
	expect_invalid(&ch, "share pub NULL");
	make_ch(&ch, CH_PLAIN);
	ch.share = NULL;
	expect_invalid(&ch, "single share NULL");

	/* binder_len out of range (0, or a hash length; one length byte) */
	make_ch(&ch, CH_PSK);
	ch.binder_len = 31;
	expect_invalid(&ch, "binder 31");
	ch.binder_len = 1;
	expect_invalid(&ch, "binder 1");
	ch.binder_len = 65;
	expect_invalid(&ch, "binder 65");
	ch.binder_len = 256;
	expect_invalid(&ch, "binder 256");
	ch.binder = NULL;
	ch.binder_len = 300;
	expect_invalid(&ch, "binder 300");
	/* the identity missing */
	make_ch(&ch, CH_PSK);
	ch.psk_identity = NULL;
	expect_invalid(&ch, "identity NULL");
	make_ch(&ch, CH_PSK);
	ch.psk_identity_len = 0;
	expect_invalid(&ch, "identity empty");
	make_ch(&ch, CH_PSK_NULL);
	ch.psk_identity = NULL;
	ch.psk_identity_len = 0;
	expect_invalid(&ch, "identity missing, binder NULL");

	/* Extensions extensions<8..2^16-1>: an identity or cookie that makes
	 * the block longer cannot be encoded. At the limit it must work. */
	make_ch(&ch, CH_PSK);
	ch.binder_len = 0;
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, ref, sizeof ref, &len), MOOR_OK);
	e0 = ext_block_len(ref);
	ch.binder_len = 32;
	ch.psk_identity = bigid;
	/* PSK extension: 4 header + 2 + (2 + L + 4) + 2 + (1 + 32) */
	lmax = 0xffff - e0 - (4 + 2 + 2 + 4 + 2 + 1 + 32);
	ch.psk_identity_len = lmax;
	st = moor_tls13_write_client_hello(&ch, ref, sizeof ref, &len);
	MOOR_CHECK_INT(st, MOOR_OK);
	if (st == MOOR_OK) {
		MOOR_CHECK_INT(ext_block_len(ref), 0xffff);
		check_ch(ref, len, &ch);
	}
	ch.psk_identity_len = lmax + 1;                      /* block of 65536 */
	expect_invalid(&ch, "identity overflows the extensions block");
	ch.psk_identity_len = 0xffff - 6;                    /* accepted alone... */
	expect_invalid(&ch, "identity 65529");

	make_ch(&ch, CH_COOKIE);
	ch.cookie = NULL;
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, ref, sizeof ref, &len), MOOR_OK);
	e0 = ext_block_len(ref);
	ch.cookie = bigid;
	cmax = 0xffff - e0 - (4 + 2);
	ch.cookie_len = cmax;
	st = moor_tls13_write_client_hello(&ch, ref, sizeof ref, &len);
	MOOR_CHECK_INT(st, MOOR_OK);
	if (st == MOOR_OK) {
		MOOR_CHECK_INT(ext_block_len(ref), 0xffff);
		check_ch(ref, len, &ch);
	}
	ch.cookie_len = cmax + 1;
	expect_invalid(&ch, "cookie overflows the extensions block");
	ch.cookie_len = 0xffff - 2;
	expect_invalid(&ch, "cookie 65533");
}

/* ================================================================== */
/* Every truncation of the message in mb[0..mn) must fail with decode_error:
 * cut with the header kept (the header disagrees) and with the header
 * adjusted (a field is cut short). Each cut sits at the end of endbuf. */
typedef int (*msg_parser)(const uint8_t *m, size_t n, uint8_t *alert);

static void check_truncations(msg_parser fn, const char *what)
{
	static uint8_t cut[4096];
	size_t i;
	int st;

	for (i = 0; i < mn; i++) {
		g_alert = 0xee;
		st = fn(at_end(mb, i), i, &g_alert);
		if (st != MOOR_ERR_TLS_PROTOCOL || g_alert != MOOR_ALERT_DECODE_ERROR) {
			printf("%s cut to %zu bytes (header kept): st=%d alert=%u\n", what, i, st, g_alert);
			MOOR_CHECK(!"truncation rejected");
			return;
		}
	}
	for (i = 4; i < mn; i++) {
		memcpy(cut, mb, i);
		cut[1] = (uint8_t)((i - 4) >> 16);
		cut[2] = (uint8_t)((i - 4) >> 8);
		cut[3] = (uint8_t)(i - 4);
		g_alert = 0xee;
		st = fn(at_end(cut, i), i, &g_alert);
		if (st != MOOR_ERR_TLS_PROTOCOL || g_alert != MOOR_ALERT_DECODE_ERROR) {
			printf("%s cut to %zu bytes (header adjusted): st=%d alert=%u\n", what, i, st, g_alert);
			MOOR_CHECK(!"truncation rejected");
			return;
		}
	}
	moor_test_checks++;
}

/* ------------------------------------------------------------------ */
/* 4. EncryptedExtensions */

#define OFFER_ALL (MOOR_TLS13_OFFER_SNI | MOOR_TLS13_OFFER_MFL \
	| MOOR_TLS13_OFFER_GROUPS | MOOR_TLS13_OFFER_RSL)

static moor_tls13_ee eev;
static size_t ee_hdr, ee_ext;

static void ee_begin(void)
{
	ee_hdr = msg_begin(MOOR_HS_ENCRYPTED_EXTENSIONS);
	ee_ext = mlen_open(2);
}

static void ee_end(void)
{
	mlen_close(ee_ext, 2);
	mlen_close(ee_hdr, 3);
}

/* Parse mb as EncryptedExtensions (from the end of endbuf). */
static int ee_run(unsigned offered)
{
	memset(&eev, 0xa5, sizeof eev);
	return moor_tls13_parse_encrypted_extensions(at_end(mb, mn), mn, offered, &eev, &g_alert);
}

static int ee_all(const uint8_t *m, size_t n, uint8_t *alert)
{
	moor_tls13_ee e;

	return moor_tls13_parse_encrypted_extensions(m, n, OFFER_ALL, &e, alert);
}

/* An EncryptedExtensions with one extension. */
static void ee_one(unsigned type, const uint8_t *d, size_t n)
{
	ee_begin();
	mext(type, d, n);
	ee_end();
}

static const uint8_t d_mfl2[] = { 2 };
static const uint8_t d_groups[] = { 0, 4, 0, 0x1d, 0, 0x17 };
static const uint8_t d_rsl[] = { 0x40, 0x01 };

static void test_ee(void)
{
	static const struct {
		unsigned type;
		uint8_t data[6];
		size_t n;
	} forbidden[] = {
		{ MOOR_EXT_SIGNATURE_ALGORITHMS, { 0, 2, 4, 3 }, 4 },
		{ MOOR_EXT_SIGNATURE_ALGORITHMS_CERT, { 0, 2, 4, 3 }, 4 },
		{ MOOR_EXT_KEY_SHARE, { 0, 0x1d, 0, 1, 9 }, 5 },
		{ MOOR_EXT_SUPPORTED_VERSIONS, { 3, 4 }, 2 },
		{ MOOR_EXT_PRE_SHARED_KEY, { 0, 0 }, 2 },
		{ MOOR_EXT_PSK_KEY_EXCHANGE_MODES, { 1, 1 }, 2 },
		{ MOOR_EXT_COOKIE, { 0, 1, 7 }, 3 },
	};
	static const uint8_t alpn[] = { 0, 3, 2, 'h', '2' };
	static const uint8_t zero2[] = { 0, 0 };
	unsigned bit;
	size_t i;

	/* empty */
	ee_begin();
	ee_end();
	MOOR_CHECK_INT(mn, 6);
	MOOR_CHECK_INT(ee_run(0), MOOR_OK);
	MOOR_CHECK_INT(eev.sni_ack, 0);
	MOOR_CHECK_INT(eev.mfl_code, 0);
	MOOR_CHECK_INT(eev.record_size_limit, 0);
	MOOR_CHECK_INT(ee_run(OFFER_ALL), MOOR_OK);
	MOOR_CHECK_INT(moor_tls13_parse_encrypted_extensions(at_end(mb, mn), mn, 0, &eev, NULL), MOOR_OK);

	/* each allowed one when offered, and unsupported_extension when not */
	ee_one(MOOR_EXT_SERVER_NAME, NULL, 0);
	MOOR_CHECK_INT(ee_run(MOOR_TLS13_OFFER_SNI), MOOR_OK);
	MOOR_CHECK_INT(eev.sni_ack, 1);
	MOOR_CHECK_INT(eev.mfl_code, 0);
	MOOR_CHECK_INT(eev.record_size_limit, 0);
	CHECK_ALERT(ee_run(OFFER_ALL & ~MOOR_TLS13_OFFER_SNI), MOOR_ALERT_UNSUPPORTED_EXTENSION);

	ee_one(MOOR_EXT_MAX_FRAGMENT_LENGTH, d_mfl2, 1);
	MOOR_CHECK_INT(ee_run(MOOR_TLS13_OFFER_MFL), MOOR_OK);
	MOOR_CHECK_INT(eev.mfl_code, 2);
	MOOR_CHECK_INT(eev.sni_ack, 0);
	CHECK_ALERT(ee_run(OFFER_ALL & ~MOOR_TLS13_OFFER_MFL), MOOR_ALERT_UNSUPPORTED_EXTENSION);
	for (i = 1; i <= 4; i++) {
		uint8_t v = (uint8_t)i;

		ee_one(MOOR_EXT_MAX_FRAGMENT_LENGTH, &v, 1);
		MOOR_CHECK_INT(ee_run(MOOR_TLS13_OFFER_MFL), MOOR_OK);
		MOOR_CHECK_INT(eev.mfl_code, i);
	}

	ee_one(MOOR_EXT_SUPPORTED_GROUPS, d_groups, sizeof d_groups);
	MOOR_CHECK_INT(ee_run(MOOR_TLS13_OFFER_GROUPS), MOOR_OK);
	MOOR_CHECK_INT(eev.sni_ack, 0);
	MOOR_CHECK_INT(eev.mfl_code, 0);
	MOOR_CHECK_INT(eev.record_size_limit, 0);
	CHECK_ALERT(ee_run(OFFER_ALL & ~MOOR_TLS13_OFFER_GROUPS), MOOR_ALERT_UNSUPPORTED_EXTENSION);

	ee_one(MOOR_EXT_RECORD_SIZE_LIMIT, d_rsl, 2);
	MOOR_CHECK_INT(ee_run(MOOR_TLS13_OFFER_RSL), MOOR_OK);
	MOOR_CHECK_INT(eev.record_size_limit, 0x4001);
	CHECK_ALERT(ee_run(OFFER_ALL & ~MOOR_TLS13_OFFER_RSL), MOOR_ALERT_UNSUPPORTED_EXTENSION);

	/* three together (every one offered), values returned */
	ee_begin();
	mext(MOOR_EXT_SUPPORTED_GROUPS, d_groups, sizeof d_groups);
	mext(MOOR_EXT_SERVER_NAME, NULL, 0);
	mext(MOOR_EXT_RECORD_SIZE_LIMIT, d_rsl, 2);
	ee_end();
	MOOR_CHECK_INT(ee_run(OFFER_ALL), MOOR_OK);
	MOOR_CHECK_INT(eev.sni_ack, 1);
	MOOR_CHECK_INT(eev.mfl_code, 0);
	MOOR_CHECK_INT(eev.record_size_limit, 0x4001);
	check_truncations(ee_all, "EncryptedExtensions");

	/* record_size_limit: 64 is the least allowed */
	{
		static const uint8_t r64[] = { 0, 64 }, r63[] = { 0, 63 }, r0[] = { 0, 0 };

		ee_one(MOOR_EXT_RECORD_SIZE_LIMIT, r64, 2);
		MOOR_CHECK_INT(ee_run(MOOR_TLS13_OFFER_RSL), MOOR_OK);
		MOOR_CHECK_INT(eev.record_size_limit, 64);
		ee_one(MOOR_EXT_RECORD_SIZE_LIMIT, r63, 2);
		CHECK_ALERT(ee_run(MOOR_TLS13_OFFER_RSL), MOOR_ALERT_ILLEGAL_PARAMETER);
		ee_one(MOOR_EXT_RECORD_SIZE_LIMIT, r0, 2);
		CHECK_ALERT(ee_run(MOOR_TLS13_OFFER_RSL), MOOR_ALERT_ILLEGAL_PARAMETER);
		MOOR_CHECK_INT(moor_tls13_parse_encrypted_extensions(at_end(mb, mn), mn,
			MOOR_TLS13_OFFER_RSL, &eev, NULL), MOOR_ERR_TLS_PROTOCOL);
	}

	/* each allowed one twice: decode_error */
	for (bit = 1; bit <= 8; bit <<= 1) {
		ee_begin();
		for (i = 0; i < 2; i++) {
			if (bit == MOOR_TLS13_OFFER_SNI)
				mext(MOOR_EXT_SERVER_NAME, NULL, 0);
			else if (bit == MOOR_TLS13_OFFER_MFL)
				mext(MOOR_EXT_MAX_FRAGMENT_LENGTH, d_mfl2, 1);
			else if (bit == MOOR_TLS13_OFFER_GROUPS)
				mext(MOOR_EXT_SUPPORTED_GROUPS, d_groups, sizeof d_groups);
			else
				mext(MOOR_EXT_RECORD_SIZE_LIMIT, d_rsl, 2);
			if (i == 0 && bit != MOOR_TLS13_OFFER_GROUPS)
				mext(MOOR_EXT_SUPPORTED_GROUPS, d_groups, sizeof d_groups);
		}
		ee_end();
		CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	}

	/* known, but not allowed in EncryptedExtensions: illegal_parameter */
	for (i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++) {
		ee_one(forbidden[i].type, forbidden[i].data, forbidden[i].n);
		g_alert = 0xee;
		MOOR_CHECK_INT(ee_run(OFFER_ALL), MOOR_ERR_TLS_PROTOCOL);
		if (g_alert != MOOR_ALERT_ILLEGAL_PARAMETER)
			printf("EE with extension %u: alert %u\n", forbidden[i].type, g_alert);
		MOOR_CHECK_INT(g_alert, MOOR_ALERT_ILLEGAL_PARAMETER);
	}
	/* never offered (ALPN, early_data, a private one): unsupported_extension */
	ee_one(16, alpn, sizeof alpn);
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_UNSUPPORTED_EXTENSION);
	ee_one(MOOR_EXT_EARLY_DATA, NULL, 0);
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_UNSUPPORTED_EXTENSION);
	ee_one(0xfe01, zero2, 2);
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_UNSUPPORTED_EXTENSION);
	/* ... also after good ones */
	ee_begin();
	mext(MOOR_EXT_SERVER_NAME, NULL, 0);
	mext(16, alpn, sizeof alpn);
	ee_end();
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_UNSUPPORTED_EXTENSION);

	/* malformed */
	ee_one(MOOR_EXT_SERVER_NAME, zero2, 2);            /* server_name must be empty */
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	ee_one(MOOR_EXT_MAX_FRAGMENT_LENGTH, NULL, 0);
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	ee_one(MOOR_EXT_MAX_FRAGMENT_LENGTH, zero2, 2);
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	ee_one(MOOR_EXT_RECORD_SIZE_LIMIT, d_rsl, 1);
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	{
		static const uint8_t rsl3[] = { 0x40, 0x01, 0 };

		ee_one(MOOR_EXT_RECORD_SIZE_LIMIT, rsl3, 3);
		CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	}
	/* a malformed record_size_limit is a decode_error even when its first
	 * two bytes would be a value below 64 */
	ee_one(MOOR_EXT_RECORD_SIZE_LIMIT, d_groups, 3);
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	ee_one(MOOR_EXT_SUPPORTED_GROUPS, d_groups, 5);   /* list says 4, 3 there */
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	{
		static const uint8_t odd[] = { 0, 3, 0, 0x1d, 0 }, empty[] = { 0, 0 },
			longer[] = { 0, 2, 0, 0x1d, 0, 0x17 };

		ee_one(MOOR_EXT_SUPPORTED_GROUPS, odd, sizeof odd);
		CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
		ee_one(MOOR_EXT_SUPPORTED_GROUPS, empty, sizeof empty);
		CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
		ee_one(MOOR_EXT_SUPPORTED_GROUPS, longer, sizeof longer); /* bytes after the list */
		CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	}
	/* wrong type */
	ee_begin();
	ee_end();
	mb[0] = MOOR_HS_CERTIFICATE;
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	/* header length one too many / one too few */
	ee_one(MOOR_EXT_SERVER_NAME, NULL, 0);
	mb[3]++;
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	mb[3] -= 2;
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	/* a trailing byte after the extensions block, inside the message */
	ee_one(MOOR_EXT_SERVER_NAME, NULL, 0);
	m8(0);
	mlen_close(ee_hdr, 3);
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	/* the block claims a byte more / a byte less than the extensions */
	ee_one(MOOR_EXT_SERVER_NAME, NULL, 0);
	mb[5]++;
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	ee_one(MOOR_EXT_SERVER_NAME, NULL, 0);
	mb[5]--;
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);
	/* an extension whose data runs past the block */
	ee_one(MOOR_EXT_RECORD_SIZE_LIMIT, d_rsl, 2);
	mb[9] = 3;
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_DECODE_ERROR);

	/* RFC 8449 section 5: a client MUST treat receipt of both
	 * max_fragment_length and record_size_limit as a fatal error
	 * (illegal_parameter). The engine offers both when it limits records. */
	ee_begin();
	mext(MOOR_EXT_MAX_FRAGMENT_LENGTH, d_mfl2, 1);
	mext(MOOR_EXT_RECORD_SIZE_LIMIT, d_rsl, 2);
	ee_end();
	CHECK_ALERT(ee_run(OFFER_ALL), MOOR_ALERT_ILLEGAL_PARAMETER);
	/* max_fragment_length values are 1..4 (RFC 6066). A 0 would come
	 * back as mfl_code 0, "none", and pass the engine's echo check: it is
	 * a well-formed value that is not allowed, illegal_parameter. (Other
	 * values come back as they are and the engine compares them.) */
	{
		static const uint8_t v0[] = { 0 };

		ee_one(MOOR_EXT_MAX_FRAGMENT_LENGTH, v0, 1);
		CHECK_ALERT(ee_run(MOOR_TLS13_OFFER_MFL), MOOR_ALERT_ILLEGAL_PARAMETER);
	}
}

/* ------------------------------------------------------------------ */
/* 5. CertificateRequest */

static moor_tls13_cert_request crv;
static size_t cr_hdr, cr_ext;

static void cr_begin(const uint8_t *ctx, size_t n)
{
	cr_hdr = msg_begin(MOOR_HS_CERTIFICATE_REQUEST);
	m8((unsigned)n);
	if (n > 0)
		mbytes(ctx, n);
	cr_ext = mlen_open(2);
}

static void cr_end(void)
{
	mlen_close(cr_ext, 2);
	mlen_close(cr_hdr, 3);
}

static const uint8_t *cr_base;

static int cr_run(void)
{
	cr_base = at_end(mb, mn);
	memset(&crv, 0xa5, sizeof crv);
	return moor_tls13_parse_certificate_request(cr_base, mn, &crv, &g_alert);
}

static int cr_any(const uint8_t *m, size_t n, uint8_t *alert)
{
	moor_tls13_cert_request c;

	return moor_tls13_parse_certificate_request(m, n, &c, alert);
}

static void test_cr(void)
{
	static const uint8_t ctx3[] = { 0xaa, 0xbb, 0xcc };
	static const uint8_t sa3[] = { 0, 6, 4, 3, 8, 4, 8, 5 };
	static const uint8_t sa1[] = { 0, 2, 8, 9 };
	static const uint8_t cas[] = { 0, 5, 0, 3, 0x30, 1, 0 };
	static const uint8_t junk[] = { 1, 2, 3 };
	static const uint8_t odd[] = { 0, 3, 4, 3, 8 }, empty[] = { 0, 0 },
		over[] = { 0, 4, 4, 3 }, extra[] = { 0, 2, 4, 3, 0 };

	/* context, sig_algs, and the extensions that are ignored */
	cr_begin(ctx3, 3);
	mext(47, cas, sizeof cas);                          /* certificate_authorities */
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS, sa3, sizeof sa3);
	mext(0x7777, junk, sizeof junk);                    /* unknown */
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS_CERT, sa1, sizeof sa1);
	mext(48, NULL, 0);                                  /* oid_filters */
	cr_end();
	MOOR_CHECK_INT(cr_run(), MOOR_OK);
	MOOR_CHECK_INT(crv.context_len, 3);
	MOOR_CHECK(crv.context == cr_base + 5);
	MOOR_CHECK(crv.context != NULL && memcmp(crv.context, ctx3, 3) == 0);
	MOOR_CHECK_INT(crv.n_sig_algs, 3);
	MOOR_CHECK(crv.sig_algs == cr_base + 4 + 1 + 3 + 2 + 4 + sizeof cas + 4 + 2);
	MOOR_CHECK(crv.sig_algs != NULL && memcmp(crv.sig_algs, sa3 + 2, 6) == 0);
	MOOR_CHECK_INT(moor_tls13_parse_certificate_request(cr_base, mn, &crv, NULL), MOOR_OK);
	check_truncations(cr_any, "CertificateRequest");

	/* empty context, sig_algs alone */
	cr_begin(NULL, 0);
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS, sa1, sizeof sa1);
	cr_end();
	MOOR_CHECK_INT(cr_run(), MOOR_OK);
	MOOR_CHECK_INT(crv.context_len, 0);
	MOOR_CHECK_INT(crv.n_sig_algs, 1);
	MOOR_CHECK(crv.sig_algs != NULL && crv.sig_algs[0] == 8 && crv.sig_algs[1] == 9);

	/* signature_algorithms missing */
	cr_begin(NULL, 0);
	cr_end();
	CHECK_ALERT(cr_run(), MOOR_ALERT_MISSING_EXTENSION);
	cr_begin(ctx3, 3);
	mext(47, cas, sizeof cas);
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS_CERT, sa1, sizeof sa1);
	cr_end();
	CHECK_ALERT(cr_run(), MOOR_ALERT_MISSING_EXTENSION);

	/* malformed lists */
	cr_begin(NULL, 0);
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS, odd, sizeof odd);
	cr_end();
	CHECK_ALERT(cr_run(), MOOR_ALERT_DECODE_ERROR);
	cr_begin(NULL, 0);
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS, empty, sizeof empty);
	cr_end();
	CHECK_ALERT(cr_run(), MOOR_ALERT_DECODE_ERROR);
	cr_begin(NULL, 0);
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS, over, sizeof over);
	cr_end();
	CHECK_ALERT(cr_run(), MOOR_ALERT_DECODE_ERROR);
	cr_begin(NULL, 0);
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS, extra, sizeof extra);
	cr_end();
	CHECK_ALERT(cr_run(), MOOR_ALERT_DECODE_ERROR);
	cr_begin(NULL, 0);
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS, NULL, 0);
	cr_end();
	CHECK_ALERT(cr_run(), MOOR_ALERT_DECODE_ERROR);
	/* duplicated */
	cr_begin(NULL, 0);
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS, sa3, sizeof sa3);
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS, sa1, sizeof sa1);
	cr_end();
	CHECK_ALERT(cr_run(), MOOR_ALERT_DECODE_ERROR);
	/* framing: wrong type, header lengths, trailing byte, context overrun */
	cr_begin(NULL, 0);
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS, sa1, sizeof sa1);
	cr_end();
	mb[0] = MOOR_HS_CERTIFICATE_VERIFY;
	CHECK_ALERT(cr_run(), MOOR_ALERT_DECODE_ERROR);
	mb[0] = MOOR_HS_CERTIFICATE_REQUEST;
	mb[3]++;
	CHECK_ALERT(cr_run(), MOOR_ALERT_DECODE_ERROR);
	mb[3] -= 2;
	CHECK_ALERT(cr_run(), MOOR_ALERT_DECODE_ERROR);
	mb[3]++;
	m8(0);
	mlen_close(cr_hdr, 3);
	CHECK_ALERT(cr_run(), MOOR_ALERT_DECODE_ERROR);
	cr_begin(NULL, 0);
	mext(MOOR_EXT_SIGNATURE_ALGORITHMS, sa1, sizeof sa1);
	cr_end();
	mb[4] = 40;                                          /* context past the end */
	CHECK_ALERT(cr_run(), MOOR_ALERT_DECODE_ERROR);
}

/* ------------------------------------------------------------------ */
/* 6. CertificateVerify */

static int cv_any(const uint8_t *m, size_t n, uint8_t *alert)
{
	uint16_t scheme;
	const uint8_t *sig;
	size_t sl;

	return moor_tls13_parse_certificate_verify(m, n, &scheme, &sig, &sl, alert);
}

static void test_cv(void)
{
	const uint8_t *base, *sig;
	uint16_t scheme;
	size_t sl, hdr;

	hdr = msg_begin(MOOR_HS_CERTIFICATE_VERIFY);
	m16(0x0804);
	m16(71);
	mpattern(0x31, 71);
	mlen_close(hdr, 3);
	base = at_end(mb, mn);
	scheme = 0;
	sig = NULL;
	sl = 0;
	MOOR_CHECK_INT(moor_tls13_parse_certificate_verify(base, mn, &scheme, &sig, &sl, &g_alert), MOOR_OK);
	MOOR_CHECK_INT(scheme, 0x0804);
	MOOR_CHECK_INT(sl, 71);
	MOOR_CHECK(sig == base + 8);
	MOOR_CHECK(sig != NULL && sig[0] == 0x31 && sig[70] == (uint8_t)(0x31 + 7 * 70));
	check_truncations(cv_any, "CertificateVerify");

	/* one byte of signature is enough */
	hdr = msg_begin(MOOR_HS_CERTIFICATE_VERIFY);
	m16(0x0403);
	m16(1);
	m8(0x99);
	mlen_close(hdr, 3);
	base = at_end(mb, mn);
	MOOR_CHECK_INT(moor_tls13_parse_certificate_verify(base, mn, &scheme, &sig, &sl, NULL), MOOR_OK);
	MOOR_CHECK_INT(scheme, 0x0403);
	MOOR_CHECK_INT(sl, 1);
	MOOR_CHECK(sig == base + 8);

	/* empty signature */
	hdr = msg_begin(MOOR_HS_CERTIFICATE_VERIFY);
	m16(0x0804);
	m16(0);
	mlen_close(hdr, 3);
	CHECK_ALERT(cv_any(at_end(mb, mn), mn, &g_alert), MOOR_ALERT_DECODE_ERROR);
	/* signature length one more / one less than there is */
	hdr = msg_begin(MOOR_HS_CERTIFICATE_VERIFY);
	m16(0x0804);
	m16(6);
	mpattern(1, 5);
	mlen_close(hdr, 3);
	CHECK_ALERT(cv_any(at_end(mb, mn), mn, &g_alert), MOOR_ALERT_DECODE_ERROR);
	hdr = msg_begin(MOOR_HS_CERTIFICATE_VERIFY);
	m16(0x0804);
	m16(4);
	mpattern(1, 5);
	mlen_close(hdr, 3);
	CHECK_ALERT(cv_any(at_end(mb, mn), mn, &g_alert), MOOR_ALERT_DECODE_ERROR);
	/* header disagreeing, wrong type */
	hdr = msg_begin(MOOR_HS_CERTIFICATE_VERIFY);
	m16(0x0804);
	m16(5);
	mpattern(1, 5);
	mlen_close(hdr, 3);
	mb[3]++;
	CHECK_ALERT(cv_any(at_end(mb, mn), mn, &g_alert), MOOR_ALERT_DECODE_ERROR);
	mb[3]--;
	mb[0] = MOOR_HS_FINISHED;
	CHECK_ALERT(cv_any(at_end(mb, mn), mn, &g_alert), MOOR_ALERT_DECODE_ERROR);
}

/* ------------------------------------------------------------------ */
/* 7. NewSessionTicket */

enum { NST_NO_ED = -1 };

/* lifetime, nonce and ticket sizes, early_data extension length (or
 * NST_NO_ED), plus an unknown extension if `unknown`. */
static void build_nst(unsigned long lifetime, size_t nonce_len, size_t ticket_len,
	int ed_len, int unknown)
{
	size_t hdr = msg_begin(MOOR_HS_NEW_SESSION_TICKET), ext;

	m32(lifetime);
	m32(0xdeadbeefUL);
	m8((unsigned)nonce_len);
	mpattern(0x51, nonce_len);
	m16((unsigned)ticket_len);
	mpattern(0x71, ticket_len);
	ext = mlen_open(2);
	if (unknown) {
		m16(0x5a5a);
		m16(3);
		mpattern(9, 3);
	}
	if (ed_len >= 0) {
		m16(MOOR_EXT_EARLY_DATA);
		m16((unsigned)ed_len);
		mpattern(0xe0, (size_t)ed_len);
	}
	mlen_close(ext, 2);
	mlen_close(hdr, 3);
}

static moor_tls13_nst nstv;

static int nst_run(void)
{
	memset(&nstv, 0xa5, sizeof nstv);
	return moor_tls13_parse_new_session_ticket(at_end(mb, mn), mn, &nstv, &g_alert);
}

static int nst_any(const uint8_t *m, size_t n, uint8_t *alert)
{
	moor_tls13_nst t;

	return moor_tls13_parse_new_session_ticket(m, n, &t, alert);
}

static void test_nst(void)
{
	const uint8_t *base;

	build_nst(604800, 2, 50, 4, 1);
	base = at_end(mb, mn);
	MOOR_CHECK_INT(nst_run(), MOOR_OK);
	MOOR_CHECK_INT(nstv.lifetime, 604800);
	MOOR_CHECK(nstv.age_add == 0xdeadbeefUL);
	MOOR_CHECK_INT(nstv.nonce_len, 2);
	MOOR_CHECK(nstv.nonce == base + 4 + 4 + 4 + 1);
	MOOR_CHECK(nstv.nonce != NULL && nstv.nonce[0] == 0x51 && nstv.nonce[1] == 0x58);
	MOOR_CHECK_INT(nstv.ticket_len, 50);
	MOOR_CHECK(nstv.ticket == base + 4 + 4 + 4 + 1 + 2 + 2);
	MOOR_CHECK(nstv.ticket != NULL && nstv.ticket[0] == 0x71
		&& nstv.ticket[49] == (uint8_t)(0x71 + 7 * 49));
	check_truncations(nst_any, "NewSessionTicket");

	/* the smallest: lifetime 0, no nonce, one byte of ticket, no extension */
	build_nst(0, 0, 1, NST_NO_ED, 0);
	MOOR_CHECK_INT(mn, 4 + 4 + 4 + 1 + 2 + 1 + 2);
	base = at_end(mb, mn);
	MOOR_CHECK_INT(nst_run(), MOOR_OK);
	MOOR_CHECK_INT(nstv.lifetime, 0);
	MOOR_CHECK_INT(nstv.nonce_len, 0);
	MOOR_CHECK_INT(nstv.ticket_len, 1);
	MOOR_CHECK(nstv.ticket == base + 4 + 4 + 4 + 1 + 2);
	/* high bits of lifetime / age_add */
	build_nst(0x00012345UL, 255, 3, NST_NO_ED, 1);
	MOOR_CHECK_INT(nst_run(), MOOR_OK);
	MOOR_CHECK_INT(nstv.lifetime, 0x12345);
	MOOR_CHECK_INT(nstv.nonce_len, 255);
	MOOR_CHECK_INT(nstv.ticket_len, 3);
	MOOR_CHECK_INT(moor_tls13_parse_new_session_ticket(at_end(mb, mn), mn, &nstv, NULL), MOOR_OK);

	/* empty ticket */
	build_nst(3600, 1, 0, NST_NO_ED, 0);
	CHECK_ALERT(nst_run(), MOOR_ALERT_DECODE_ERROR);
	/* more than seven days */
	build_nst(604801, 1, 10, NST_NO_ED, 0);
	CHECK_ALERT(nst_run(), MOOR_ALERT_ILLEGAL_PARAMETER);
	build_nst(0xffffffffUL, 1, 10, 4, 0);
	CHECK_ALERT(nst_run(), MOOR_ALERT_ILLEGAL_PARAMETER);
	/* early_data must hold exactly a uint32 */
	build_nst(3600, 1, 10, 2, 0);
	CHECK_ALERT(nst_run(), MOOR_ALERT_DECODE_ERROR);
	build_nst(3600, 1, 10, 5, 0);
	CHECK_ALERT(nst_run(), MOOR_ALERT_DECODE_ERROR);
	build_nst(3600, 1, 10, 0, 0);
	CHECK_ALERT(nst_run(), MOOR_ALERT_DECODE_ERROR);
	build_nst(3600, 1, 10, 4, 0);
	MOOR_CHECK_INT(nst_run(), MOOR_OK);
	MOOR_CHECK_INT(nstv.lifetime, 3600);
	/* unknown extension alone */
	build_nst(3600, 1, 10, NST_NO_ED, 1);
	MOOR_CHECK_INT(nst_run(), MOOR_OK);
	MOOR_CHECK_INT(nstv.ticket_len, 10);
	/* a trailing byte inside the message; wrong type */
	build_nst(3600, 1, 10, NST_NO_ED, 0);
	m8(0);
	mb[3]++;
	CHECK_ALERT(nst_run(), MOOR_ALERT_DECODE_ERROR);
	build_nst(3600, 1, 10, NST_NO_ED, 0);
	mb[0] = MOOR_HS_KEY_UPDATE;
	CHECK_ALERT(nst_run(), MOOR_ALERT_DECODE_ERROR);
	/* an extension running past its block */
	build_nst(3600, 1, 10, 4, 0);
	mb[mn - 5] = 9;
	CHECK_ALERT(nst_run(), MOOR_ALERT_DECODE_ERROR);
}

/* ------------------------------------------------------------------ */
/* 8. Certificate, streamed into a recording X.509 class. */

#define REC_MAX 16

typedef struct {
	const br_x509_class *vtable;
	unsigned n_start, n_end, n_other, misuse;
	uint32_t start_len[REC_MAX];
	size_t got[REC_MAX];
	uint8_t data[REC_MAX][320];
	char seq[3 * REC_MAX + 8];
	size_t nseq;
	int in_cert;
} rec_x509;

static void rec_seq(rec_x509 *r, char op)
{
	if (op == 'A' && r->nseq > 0 && r->seq[r->nseq - 1] == 'A')
		return;
	if (r->nseq + 1 < sizeof r->seq)
		r->seq[r->nseq++] = op;
	else
		r->misuse++;
}

static void rec_start_chain(const br_x509_class **ctx, const char *server_name)
{
	(void)server_name;
	((rec_x509 *)(void *)ctx)->n_other++;
}

static void rec_start_cert(const br_x509_class **ctx, uint32_t length)
{
	rec_x509 *r = (rec_x509 *)(void *)ctx;

	if (r->in_cert)
		r->misuse++;
	if (r->n_start < REC_MAX)
		r->start_len[r->n_start] = length;
	r->n_start++;
	r->in_cert = 1;
	rec_seq(r, 'S');
}

static void rec_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	rec_x509 *r = (rec_x509 *)(void *)ctx;
	size_t i = r->n_start - 1;

	if (!r->in_cert || r->n_start == 0 || len == 0) {
		r->misuse++;
		return;
	}
	if (i < REC_MAX) {
		if (r->got[i] + len <= sizeof r->data[i])
			memcpy(r->data[i] + r->got[i], buf, len);
		r->got[i] += len;
	}
	rec_seq(r, 'A');
}

static void rec_end_cert(const br_x509_class **ctx)
{
	rec_x509 *r = (rec_x509 *)(void *)ctx;

	if (!r->in_cert)
		r->misuse++;
	r->in_cert = 0;
	r->n_end++;
	rec_seq(r, 'E');
}

static unsigned rec_end_chain(const br_x509_class **ctx)
{
	((rec_x509 *)(void *)ctx)->n_other++;
	return 0;
}

static const br_x509_pkey *rec_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	(void)ctx;
	(void)usages;
	return NULL;
}

static const br_x509_class rec_vtable = {
	sizeof(rec_x509), rec_start_chain, rec_start_cert, rec_append,
	rec_end_cert, rec_end_chain, rec_get_pkey
};

static void rec_init(rec_x509 *r)
{
	memset(r, 0, sizeof *r);
	r->vtable = &rec_vtable;
}

static int rec_same(const rec_x509 *a, const rec_x509 *b)
{
	size_t i;

	if (a->n_start != b->n_start || a->n_end != b->n_end || a->n_other != b->n_other
		|| a->misuse != b->misuse || a->nseq != b->nseq
		|| memcmp(a->seq, b->seq, a->nseq) != 0)
		return 0;
	for (i = 0; i < a->n_start && i < REC_MAX; i++) {
		if (a->start_len[i] != b->start_len[i] || a->got[i] != b->got[i])
			return 0;
		if (a->got[i] <= sizeof a->data[i] && memcmp(a->data[i], b->data[i], a->got[i]) != 0)
			return 0;
	}
	return 1;
}

/* Push body[0..n) to a parser set up for body_len bytes: a first piece of
 * `first` bytes, then pieces of `step` (0: the rest at once). Each piece
 * is pushed from the end of a static buffer. Returns the first error, or
 * what done says. */
static uint8_t piecebuf[4096];

static int cp_run(moor_tls13_cert_parser *cp, rec_x509 *r, const uint8_t *body, size_t n,
	uint32_t body_len, size_t first, size_t step, uint8_t *alert)
{
	size_t at = 0, k;
	int st, started = 0;

	rec_init(r);
	moor_tls13_cert_parser_init(cp, body_len);
	while (at < n) {
		k = !started ? first : step == 0 ? n - at : step;
		started = 1;
		if (k > n - at)
			k = n - at;
		memcpy(piecebuf + sizeof piecebuf - k, body + at, k);
		st = moor_tls13_cert_parser_push(cp, &r->vtable, piecebuf + sizeof piecebuf - k, k, alert);
		if (st != MOOR_OK)
			return st;
		at += k;
	}
	return moor_tls13_cert_parser_done(cp, alert);
}

/* A Certificate body: `ctx_len` context bytes, then n_certs entries of
 * the given sizes, entry `ext_at` with an 9-byte extensions block. */
static uint8_t certbody[4096];
static size_t certbody_n;

static void build_certs(size_t ctx_len, const size_t *sizes, size_t n_certs, size_t ext_at)
{
	size_t list, i;

	mn = 0;
	m8((unsigned)ctx_len);
	mpattern(0xc7, ctx_len);
	list = mlen_open(3);
	for (i = 0; i < n_certs; i++) {
		m24(sizes[i]);
		mpattern(0x30 + 16 * (unsigned)i, sizes[i]);
		if (i == ext_at) {
			m16(9);
			m16(5);                                  /* status_request */
			m16(5);
			mpattern(0xee, 5);
		} else {
			m16(0);
		}
	}
	mlen_close(list, 3);
	memcpy(certbody, mb, mn);
	certbody_n = mn;
}

static void check_rec_certs(const rec_x509 *r, const size_t *sizes, size_t n_certs)
{
	size_t i, j;
	int ok;

	MOOR_CHECK_INT(r->n_start, n_certs);
	MOOR_CHECK_INT(r->n_end, n_certs);
	MOOR_CHECK_INT(r->n_other, 0);           /* the caller owns the chain */
	MOOR_CHECK_INT(r->misuse, 0);
	MOOR_CHECK_INT(r->nseq, 3 * n_certs);
	for (i = 0; i < n_certs && i < REC_MAX; i++) {
		MOOR_CHECK_INT(r->start_len[i], sizes[i]);
		MOOR_CHECK_INT(r->got[i], sizes[i]);
		MOOR_CHECK(memcmp(r->seq + 3 * i, "SAE", 3) == 0);
		for (j = 0, ok = 1; j < sizes[i] && j < sizeof r->data[i]; j++)
			ok &= r->data[i][j] == (uint8_t)(0x30 + 16 * i + 7 * j);
		MOOR_CHECK(ok);
	}
}

static void expect_cp_error(const char *what, size_t n, uint32_t body_len)
{
	moor_tls13_cert_parser cp;
	static rec_x509 r;
	size_t k;
	int st;

	g_alert = 0xee;
	st = cp_run(&cp, &r, certbody, n, body_len, n, 0, &g_alert);
	if (st != MOOR_ERR_TLS_PROTOCOL || g_alert != MOOR_ALERT_DECODE_ERROR)
		printf("Certificate (%s): st=%d alert=%u\n", what, st, g_alert);
	MOOR_CHECK_INT(st, MOOR_ERR_TLS_PROTOCOL);
	MOOR_CHECK_INT(g_alert, MOOR_ALERT_DECODE_ERROR);
	MOOR_CHECK_INT(r.misuse, 0);
	/* the same verdict one byte at a time and in two pieces anywhere */
	for (k = 0; k <= n; k++) {
		g_alert = 0xee;
		st = cp_run(&cp, &r, certbody, n, body_len, k == 0 ? 1 : k, k == 0 ? 1 : 0, &g_alert);
		if (st != MOOR_ERR_TLS_PROTOCOL || g_alert != MOOR_ALERT_DECODE_ERROR || r.misuse != 0) {
			printf("Certificate (%s) split at %zu: st=%d alert=%u\n", what, k, st, g_alert);
			MOOR_CHECK(!"same error in pieces");
			return;
		}
	}
	moor_test_checks++;
}

static void test_cert(void)
{
	static const size_t sizes3[] = { 40, 1, 300 };
	static size_t sizes10[10];
	static rec_x509 whole, r;
	moor_tls13_cert_parser cp;
	size_t k, n, i;
	int st, ok;

	/* three entries, extensions in the second */
	build_certs(0, sizes3, 3, 1);
	n = certbody_n;
	MOOR_CHECK_INT(n, 1 + 3 + (3 + 40 + 2) + (3 + 1 + 2 + 9) + (3 + 300 + 2));
	g_alert = 0xee;
	MOOR_CHECK_INT(cp_run(&cp, &whole, certbody, n, (uint32_t)n, n, 0, &g_alert), MOOR_OK);
	MOOR_CHECK_INT(g_alert, 0xee);
	MOOR_CHECK_INT(cp.count, 3);
	MOOR_CHECK_INT(cp.ctx_len, 0);
	MOOR_CHECK_INT(cp.left, 0);
	check_rec_certs(&whole, sizes3, 3);
	MOOR_CHECK(memcmp(whole.seq, "SAESAESAE", 9) == 0);
	/* two pieces at every offset */
	for (k = 0, ok = 1; k <= n && ok; k++) {
		st = cp_run(&cp, &r, certbody, n, (uint32_t)n, k, 0, &g_alert);
		if (st != MOOR_OK || cp.count != 3 || !rec_same(&r, &whole)) {
			printf("Certificate split at %zu: st=%d count=%u\n", k, st, cp.count);
			ok = 0;
		}
	}
	MOOR_CHECK(ok);
	/* one byte at a time; and in pieces of 2..7 */
	MOOR_CHECK_INT(cp_run(&cp, &r, certbody, n, (uint32_t)n, 1, 1, &g_alert), MOOR_OK);
	MOOR_CHECK_INT(cp.count, 3);
	MOOR_CHECK(rec_same(&r, &whole));
	for (k = 2, ok = 1; k < 8; k++) {
		st = cp_run(&cp, &r, certbody, n, (uint32_t)n, k, k, &g_alert);
		ok &= st == MOOR_OK && rec_same(&r, &whole);
	}
	MOOR_CHECK(ok);
	/* a push of nothing is fine anywhere */
	rec_init(&r);
	moor_tls13_cert_parser_init(&cp, (uint32_t)n);
	MOOR_CHECK_INT(moor_tls13_cert_parser_push(&cp, &r.vtable, certbody, 0, &g_alert), MOOR_OK);
	MOOR_CHECK_INT(moor_tls13_cert_parser_push(&cp, &r.vtable, certbody, n, &g_alert), MOOR_OK);
	MOOR_CHECK_INT(moor_tls13_cert_parser_push(&cp, &r.vtable, certbody, 0, &g_alert), MOOR_OK);
	MOOR_CHECK_INT(moor_tls13_cert_parser_done(&cp, NULL), MOOR_OK);

	/* done before the end: at every prefix */
	for (k = 0, ok = 1; k < n && ok; k++) {
		rec_init(&r);
		moor_tls13_cert_parser_init(&cp, (uint32_t)n);
		st = moor_tls13_cert_parser_push(&cp, &r.vtable, at_end(certbody, k), k, &g_alert);
		g_alert = 0xee;
		if (st != MOOR_OK || moor_tls13_cert_parser_done(&cp, &g_alert) != MOOR_ERR_TLS_PROTOCOL
			|| g_alert != MOOR_ALERT_DECODE_ERROR) {
			printf("Certificate: done after %zu of %zu bytes: push %d, alert %u\n", k, n, st, g_alert);
			ok = 0;
		}
	}
	MOOR_CHECK(ok);
	/* bytes after the end: in the same push, and in a push of their own */
	certbody[n] = 0;
	expect_cp_error("one byte past the body", n + 1, (uint32_t)n);
	rec_init(&r);
	moor_tls13_cert_parser_init(&cp, (uint32_t)n);
	MOOR_CHECK_INT(moor_tls13_cert_parser_push(&cp, &r.vtable, certbody, n, &g_alert), MOOR_OK);
	CHECK_ALERT(moor_tls13_cert_parser_push(&cp, &r.vtable, certbody, 1, &g_alert), MOOR_ALERT_DECODE_ERROR);

	/* empty list: fine here (the engine turns it into an error) */
	mn = 0;
	m8(0);
	m24(0);
	memcpy(certbody, mb, mn);
	g_alert = 0xee;
	MOOR_CHECK_INT(cp_run(&cp, &r, certbody, 4, 4, 4, 0, &g_alert), MOOR_OK);
	MOOR_CHECK_INT(cp.count, 0);
	MOOR_CHECK_INT(r.n_start + r.n_end + r.n_other + r.misuse, 0);
	MOOR_CHECK_INT(cp_run(&cp, &r, certbody, 4, 4, 1, 1, &g_alert), MOOR_OK);
	MOOR_CHECK_INT(cp.count, 0);
	/* nothing at all: not a Certificate */
	rec_init(&r);
	moor_tls13_cert_parser_init(&cp, 0);
	CHECK_ALERT(moor_tls13_cert_parser_done(&cp, &g_alert), MOOR_ALERT_DECODE_ERROR);

	/* a request context is skipped, its length reported */
	build_certs(5, sizes3, 1, 99);
	n = certbody_n;
	MOOR_CHECK_INT(cp_run(&cp, &r, certbody, n, (uint32_t)n, n, 0, &g_alert), MOOR_OK);
	MOOR_CHECK_INT(cp.ctx_len, 5);
	MOOR_CHECK_INT(cp.count, 1);
	check_rec_certs(&r, sizes3, 1);
	MOOR_CHECK_INT(cp_run(&cp, &r, certbody, n, (uint32_t)n, 1, 1, &g_alert), MOOR_OK);
	MOOR_CHECK_INT(cp.ctx_len, 5);
	check_rec_certs(&r, sizes3, 1);
	build_certs(255, sizes3 + 1, 1, 0);
	n = certbody_n;
	MOOR_CHECK_INT(cp_run(&cp, &r, certbody, n, (uint32_t)n, 3, 3, &g_alert), MOOR_OK);
	MOOR_CHECK_INT(cp.ctx_len, 255);
	check_rec_certs(&r, sizes3 + 1, 1);
	/* a context longer than the body */
	mn = 0;
	m8(10);
	mpattern(1, 5);
	memcpy(certbody, mb, mn);
	expect_cp_error("context past the body", mn, (uint32_t)mn);

	/* the list length must fill the body exactly */
	build_certs(0, sizes3, 3, 1);
	n = certbody_n;
	certbody[3]++;
	expect_cp_error("list one byte longer than the body", n, (uint32_t)n);
	certbody[3] -= 2;
	expect_cp_error("list one byte shorter than the body", n, (uint32_t)n);
	build_certs(0, sizes3, 3, 1);
	certbody[1] = 1;
	expect_cp_error("list 64 KiB longer", n, (uint32_t)n);
	/* an empty entry */
	build_certs(0, sizes3, 1, 99);
	n = certbody_n;
	certbody[4] = certbody[5] = certbody[6] = 0;       /* entry length 0 */
	expect_cp_error("entry of length 0", n, (uint32_t)n);
	/* an entry longer than the list (and longer than the list by 2: no room
	 * for its extensions length) */
	build_certs(0, sizes3, 1, 99);
	n = certbody_n;
	certbody[6] = (uint8_t)(40 + 3);
	expect_cp_error("entry past the list", n, (uint32_t)n);
	certbody[6] = (uint8_t)(40 + 2);
	expect_cp_error("entry leaving no room for its extensions", n, (uint32_t)n);
	certbody[6] = (uint8_t)(40 + 1);
	expect_cp_error("entry leaving one byte for its extensions", n, (uint32_t)n);
	certbody[4] = 0x7f;
	expect_cp_error("entry of 8 MiB", n, (uint32_t)n);
	/* entry extensions longer than the list */
	build_certs(0, sizes3, 2, 1);
	n = certbody_n;
	MOOR_CHECK_INT(certbody[n - 10], 9);
	certbody[n - 10] = 10;
	expect_cp_error("entry extensions past the list", n, (uint32_t)n);
	certbody[n - 10] = 8;
	expect_cp_error("entry extensions short of the list", n, (uint32_t)n);

	/* more entries than MOOR_TLS13_MAX_CHAIN */
	for (i = 0; i < 10; i++)
		sizes10[i] = 3 + i;
	build_certs(0, sizes10, 10, 9);
	n = certbody_n;
	for (k = 0; k < 2; k++) {
		st = cp_run(&cp, &r, certbody, n, (uint32_t)n, k == 0 ? n : 1, k == 0 ? 0 : 1, &g_alert);
		MOOR_CHECK_INT(st, MOOR_OK);
		MOOR_CHECK_INT(cp.count, 10);
		check_rec_certs(&r, sizes10, MOOR_TLS13_MAX_CHAIN);
	}
	/* exactly MOOR_TLS13_MAX_CHAIN all get through */
	build_certs(0, sizes10, MOOR_TLS13_MAX_CHAIN, 0);
	n = certbody_n;
	MOOR_CHECK_INT(cp_run(&cp, &r, certbody, n, (uint32_t)n, n, 0, &g_alert), MOOR_OK);
	MOOR_CHECK_INT(cp.count, MOOR_TLS13_MAX_CHAIN);
	check_rec_certs(&r, sizes10, MOOR_TLS13_MAX_CHAIN);
}

int main(void)
{
	moor_tls13_client_hello ch;
	moor_tls13_server_hello p;
	static uint8_t buf[1024], small[1024];
	size_t len, need, cap, i;
	int st;

	for (i = 0; i < 32; i++) {
		random32[i] = (uint8_t)i;
		sid[i] = (uint8_t)(0xa0 + i);
		share[i] = (uint8_t)(0x40 + i);
	}
	moor_test_heap_guard(1);

	/* ClientHello: size, header, and never past cap */
	fill_ch(&ch);
	st = moor_tls13_write_client_hello(&ch, buf, sizeof buf, &len);
	MOOR_CHECK_INT(st, MOOR_OK);
	MOOR_CHECK_INT(buf[0], MOOR_HS_CLIENT_HELLO);
	MOOR_CHECK_INT(((size_t)buf[1] << 16 | (size_t)buf[2] << 8 | buf[3]), len - 4);
	MOOR_CHECK(memcmp(buf + 6, random32, 32) == 0);
	MOOR_CHECK_INT(buf[38], 32);
	need = len;
	for (cap = 0; cap < need; cap++) {
		memset(small, 0xee, sizeof small);
		st = moor_tls13_write_client_hello(&ch, small, cap, &len);
		if (st != MOOR_ERR_BUFFER_TOO_SMALL || len != need || small[cap] != 0xee) {
			MOOR_CHECK_INT(st, MOOR_ERR_BUFFER_TOO_SMALL);
			MOOR_CHECK_INT(len, need);
			MOOR_CHECK_INT(small[cap], 0xee);
			break;
		}
		/* what was written is the prefix of the full message */
		if (memcmp(small, buf, cap) != 0) {
			MOOR_CHECK(!"prefix matches");
			break;
		}
	}
	moor_test_checks++;
	/* the NULL-buffer size query */
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, NULL, 0, &len), MOOR_ERR_BUFFER_TOO_SMALL);
	MOOR_CHECK_INT(len, need);
	/* optional parts change the size by their encoded length */
	ch.server_name = NULL;
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, buf, sizeof buf, &len), MOOR_OK);
	MOOR_CHECK_INT(len, need - (4 + 2 + 3 + strlen("db.example.com")));
	/* invalid requests */
	fill_ch(&ch); ch.n_suites = 0;
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, buf, sizeof buf, &len), MOOR_ERR_INVALID_ARG);
	fill_ch(&ch); ch.session_id_len = 16;
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, buf, sizeof buf, &len), MOOR_ERR_INVALID_ARG);
	fill_ch(&ch); ch.share_len = 200;
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, buf, sizeof buf, &len), MOOR_ERR_INVALID_ARG);
	fill_ch(&ch); ch.max_fragment_code = 5;
	MOOR_CHECK_INT(moor_tls13_write_client_hello(&ch, buf, sizeof buf, &len), MOOR_ERR_INVALID_ARG);

	/* ServerHello: good */
	MOOR_CHECK_INT(parse(0, &p), MOOR_OK);
	MOOR_CHECK_INT(p.version, 0x0304);
	MOOR_CHECK_INT(p.cipher_suite, 0x1301);
	MOOR_CHECK_INT(p.share_group, 29);
	MOOR_CHECK_INT(p.share_len, 32);
	MOOR_CHECK(p.share != NULL && memcmp(p.share, share, 32) == 0);
	MOOR_CHECK_INT(p.is_hrr, 0);
	MOOR_CHECK_INT(p.downgrade, 0);
	MOOR_CHECK_INT(parse(F_PSK, &p), MOOR_OK);
	MOOR_CHECK_INT(p.has_psk, 1);
	/* HelloRetryRequest */
	MOOR_CHECK_INT(parse(F_HRR, &p), MOOR_OK);
	MOOR_CHECK_INT(p.is_hrr, 1);
	MOOR_CHECK_INT(p.share_group, 24);
	MOOR_CHECK(p.share == NULL);
	MOOR_CHECK_INT(parse(F_HRR | F_COOKIE, &p), MOOR_OK);
	MOOR_CHECK_INT(p.cookie_len, 3);
	MOOR_CHECK_INT(parse(F_HRR | F_NO_KS | F_COOKIE, &p), MOOR_OK);
	MOOR_CHECK_INT(parse(F_HRR | F_NO_KS, &p), MOOR_ERR_TLS_PROTOCOL);   /* asks for nothing */
	MOOR_CHECK_INT(parse(F_HRR | F_PSK, &p), MOOR_ERR_TLS_PROTOCOL);     /* not allowed in HRR */
	MOOR_CHECK_INT(parse(F_COOKIE, &p), MOOR_ERR_TLS_PROTOCOL);           /* not allowed in SH */
	/* TLS 1.2 answers: no supported_versions; their own extensions pass */
	MOOR_CHECK_INT(parse(F_NO_SV | F_NO_KS | F_RENEG, &p), MOOR_OK);
	MOOR_CHECK_INT(p.version, 0);
	MOOR_CHECK_INT(parse(F_NO_SV | F_NO_KS | F_RENEG | F_SENTINEL, &p), MOOR_OK);
	MOOR_CHECK_INT(p.downgrade, 12);
	MOOR_CHECK_INT(parse(F_NO_SV, &p), MOOR_ERR_TLS_PROTOCOL);            /* key_share without 1.3 */
	/* illegal */
	MOOR_CHECK_INT(parse(F_UNKNOWN, &p), MOOR_ERR_TLS_PROTOCOL);
	MOOR_CHECK_INT(parse(F_RENEG, &p), MOOR_ERR_TLS_PROTOCOL);
	MOOR_CHECK_INT(parse(F_DUP_KS, &p), MOOR_ERR_TLS_PROTOCOL);
	MOOR_CHECK_INT(parse(F_SV12, &p), MOOR_ERR_TLS_PROTOCOL);
	MOOR_CHECK_INT(parse(F_COMP, &p), MOOR_ERR_TLS_PROTOCOL);
	MOOR_CHECK_INT(parse(F_TRAIL, &p), MOOR_ERR_TLS_PROTOCOL);
	MOOR_CHECK_INT(parse(F_BAD_SID, &p), MOOR_ERR_TLS_PROTOCOL);
	MOOR_CHECK_INT(parse(F_BAD_SID | F_NO_SV | F_NO_KS, &p), MOOR_OK); /* TLS 1.2: own id */
	build_sh(0);
	sh[0] = 1;
	MOOR_CHECK_INT(moor_tls13_parse_server_hello(sh, shn, sid, 32, &p), MOOR_ERR_TLS_PROTOCOL);
	/* every truncation of a good message, with the header's length kept
	 * (inner fields overrun) and with it adjusted (fields cut short) */
	build_sh(F_PSK);
	for (i = 0; i < shn; i++) {
		st = moor_tls13_parse_server_hello(sh, i, sid, 32, &p);
		if (st != MOOR_ERR_TLS_PROTOCOL) {
			MOOR_CHECK_INT(st, MOOR_ERR_TLS_PROTOCOL);
			break;
		}
	}
	for (i = 4; i < shn; i++) {
		static uint8_t cut[512];

		memcpy(cut, sh, i);
		cut[1] = (uint8_t)((i - 4) >> 16);
		cut[2] = (uint8_t)((i - 4) >> 8);
		cut[3] = (uint8_t)(i - 4);
		st = moor_tls13_parse_server_hello(cut, i, sid, 32, &p);
		/* a cut right after the compression byte is a valid TLS 1.2
		 * ServerHello without extensions */
		if (st != MOOR_ERR_TLS_PROTOCOL && !(st == MOOR_OK && p.version == 0)) {
			MOOR_CHECK_INT(st, MOOR_ERR_TLS_PROTOCOL);
			break;
		}
	}
	moor_test_checks++;

	setup_ch_data();
	test_windows();
	test_psk();
	test_invalid();
	test_ee();
	test_cr();
	test_cv();
	test_nst();
	test_cert();
	moor_test_heap_guard(0);
	return moor_test_done();
}
