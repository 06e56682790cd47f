/*
 * Recorded TLS client connections, replayed on a board without a network.
 *
 * tests/bench/tls13_bench.c --record FILE runs its handshakes against a
 * real server with a frozen platform (the wall time, now_ms() and the
 * entropy below are constants, the same on every run) and writes every
 * byte each way into FILE. A client built with the same configuration
 * (bench13_qemu.c on Cortex-M4 under QEMU) then produces exactly the same
 * bytes, so the server's recorded answers are valid for it: it runs the
 * same handshakes, full verification and resumption included, with the
 * recording as its transport. Any byte of its own that differs from the
 * recording means the configurations differ, and the replay stops.
 *
 * File: the 8-byte magic, then records of
 *   type (1 byte), connection (1 byte, from 1; 0 for the header records),
 *   length (4 bytes, little-endian), data.
 */
#ifndef MOOR_REPLAY_H
#define MOOR_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#define MOOR_REPLAY_MAGIC     "MOORREC1"
#define MOOR_REPLAY_MAGIC_LEN 8

enum {
	MOOR_REPLAY_ANCHORS = 'A',   /* PEM of the trust anchors */
	MOOR_REPLAY_NAME = 'N',      /* server name (no NUL) */
	MOOR_REPLAY_FRAG = 'F',      /* record size: 4 bytes, little-endian */
	MOOR_REPLAY_C2S = 'C',       /* bytes the client sent */
	MOOR_REPLAY_S2C = 'S'        /* bytes the server sent */
};

#define MOOR_REPLAY_HDR 6

/* The frozen platform of both runs. */
#define MOOR_REPLAY_TIME   1767225600LL   /* 2026-01-01T00:00:00Z */
#define MOOR_REPLAY_NOW_MS 1000000u

/* Entropy: a fixed byte sequence, continued from call to call. */
static inline void moor_replay_entropy(uint32_t *counter, uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		buf[i] = (uint8_t)(*counter * 167u + 13u);
		(*counter)++;
	}
}

#endif
