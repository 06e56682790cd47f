/*
 * A fake Redis server for the client's unit tests: a moor_transport that
 * runs, in process, a small Redis with enough behaviour to exercise the
 * client (HELLO / AUTH / SELECT / CLIENT SETNAME, GET / SET / INCR, the
 * Pub/Sub family, RESET, a cluster's MOVED / ASK) and a few test hooks.
 * Replies follow what redis-server 7.0 sends byte for byte where it
 * matters (error texts of the handshake, RESP2 vs RESP3 shapes).
 *
 * Time is fake: wait() on an empty connection advances fake_now by the
 * whole timeout and returns 0, so deadlines fire at once and exactly.
 *
 * Test-only commands:
 *   RAW bytes        the server writes `bytes` as they are (no reply)
 *   NOREPLY          no reply at all
 *   BIG n            a bulk string of n bytes: byte i is (i * 7 + 3) & 0xff
 *   CHECKBIG         :len if argument 1 has that pattern, else an error
 *   SELFMSG ch msg   a Pub/Sub message on ch to this connection (RESP2
 *                    or RESP3 shape), then +OK
 */
#ifndef FAKE_REDIS_H
#define FAKE_REDIS_H

#include <stddef.h>
#include <stdint.h>

#include "moor/platform.h"
#include "moor/resp.h"
#include "moor/transport.h"

#define FAKE_IN_CAP   (2u * 1024u * 1024u + 4096u)
#define FAKE_OUT_CAP  (2u * 1024u * 1024u + 4096u)
#define FAKE_SUBS     16
#define FAKE_NAME     32
#define FAKE_KEYS     16

extern uint32_t fake_now;
extern const moor_platform fake_platform;

/* Knobs: how the server behaves (kept across connections). */
typedef struct fake_knobs {
	int hello;            /* 0: HELLO works; 1: unknown command; 2: NOPROTO for 3 */
	const char *user;     /* ACL user with a password (NULL: none) */
	const char *pass;     /* its password, also the default user's if
	                       * requirepass (NULL: no password needed) */
	int requirepass;      /* 1: commands need AUTH first */
	size_t recv_chunk;    /* at most this many bytes per recv (0: any) */
	size_t send_chunk;    /* at most this many bytes per send (0: any) */
	int stall;            /* 1: recv() would block forever once the
	                       * client has read stall_at bytes */
	long stall_at;
	/* cluster: this node owns slots [slot_lo, slot_hi]; others are
	 * MOVED to moved_host:moved_port; slot ask_slot answers ASK. */
	int keep_keys;        /* keys survive a reconnect */
	int cluster;
	int slot_lo, slot_hi;
	const char *moved_host;
	int moved_port;
	int ask_slot;
	int ask_port;
	const char *slots_reply;  /* CLUSTER SLOTS answers this (NULL: unknown) */
} fake_knobs;

typedef struct fake {
	moor_transport base;
	fake_knobs k;
	int open;
	int closed_by_client;
	/* server state of this connection */
	int proto;
	int authed;
	int asking;
	unsigned db;
	char name[FAKE_NAME];
	char authed_user[FAKE_NAME];
	char chans[FAKE_SUBS][FAKE_NAME];
	char pats[FAKE_SUBS][FAKE_NAME];
	char shards[FAKE_SUBS][FAKE_NAME];
	/* keys */
	char keys[FAKE_KEYS][FAKE_NAME];
	char vals[FAKE_KEYS][FAKE_NAME];
	/* counters */
	unsigned long executed;   /* commands run */
	unsigned long hellos, auths, selects;
	unsigned long bytes_in;   /* bytes the client sent */
	unsigned long bytes_out;  /* bytes the client read */
	/* parser */
	moor_resp_decoder dec;
	size_t in_len, in_off;
	size_t argc;
	const uint8_t *argv[24];
	size_t argvlen[24];
	size_t out_len, out_off;
	uint8_t *in;
	uint8_t *out;
} fake;

/* A fresh connection with these knobs (buffers are static, one pair per
 * slot 0..3). */
void fake_open(fake *f, int slot, const fake_knobs *k);

/* Server output injected by the test (as if the server wrote it). */
void fake_inject(fake *f, const char *bytes);

/* Bytes the server has written that the client has not read yet. */
size_t fake_unread(const fake *f);

#endif
