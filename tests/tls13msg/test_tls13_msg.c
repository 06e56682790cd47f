/*
 * The TLS 1.3 message codec without a network: the ClientHello encoder's
 * size reporting and bounds, and the ServerHello parser on well-formed,
 * truncated and illegal inputs built here byte by byte.
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
	moor_test_heap_guard(0);
	return moor_test_done();
}
