/*
 * The MySQL codec built with small limits (MOOR_CONFIG_MYSQL_MAX_PAYLOAD
 * 1000, MOOR_CONFIG_MYSQL_MAX_COLUMNS 8; see CMakeLists.txt): payloads,
 * continued payloads and values above the limit, and binary rows wider
 * than the bitmap, are refused with the documented status.
 */
#include <string.h>

#include "moor/mysql_proto.h"
#include "moor/status.h"
#include "testlib.h"

#if MOOR_CONFIG_MYSQL_MAX_PAYLOAD != 1000 || MOOR_CONFIG_MYSQL_MAX_COLUMNS != 8
#error "build this test with the small limits"
#endif

static uint8_t wire[1 << 16];

static int read_all(size_t bufcap, const uint8_t *w, size_t n, size_t *payload)
{
	moor_mysql_reader r;
	moor_mysql_packet pk;
	size_t off = 0, used;
	int st;

	*payload = 0;
	moor_mysql_reader_init(&r, bufcap);
	for (;;) {
		st = moor_mysql_read(&r, w + off, n - off, &used, &pk);
		if (st != 1)
			return st;
		off += used;
		*payload += pk.len;
	}
}

int main(void)
{
	moor_mysql_row d;
	moor_mysql_value v;
	uint8_t types[9];
	size_t got, used;
	uint8_t row[16];

	moor_test_heap_guard(1);
	/* 1000 bytes: fine, whole or in chunks */
	moor_mysql_put_header(wire, 1000, 0);
	memset(wire + 4, 'x', 1000);
	MOOR_CHECK_INT(read_all(2048, wire, 1004, &got), 0);
	MOOR_CHECK_INT(got, 1000);
	MOOR_CHECK_INT(read_all(100, wire, 1004, &got), 0);
	MOOR_CHECK_INT(got, 1000);
	/* 1001 bytes: refused at the header, before any byte is delivered */
	moor_mysql_put_header(wire, 1001, 0);
	MOOR_CHECK_INT(read_all(2048, wire, 1005, &got), MOOR_ERR_MYSQL_TOO_LARGE);
	MOOR_CHECK_INT(got, 0);
	MOOR_CHECK_INT(read_all(100, wire, 1005, &got), MOOR_ERR_MYSQL_TOO_LARGE);
	/* 16 MiB - 1 announced: refused likewise */
	moor_mysql_put_header(wire, 0xffffff, 0);
	MOOR_CHECK_INT(read_all(2048, wire, 1005, &got), MOOR_ERR_MYSQL_TOO_LARGE);

	/* a value of 1001 bytes in a row */
	row[0] = 0xfc;
	row[1] = 0xe9;
	row[2] = 0x03;
	moor_mysql_row_init(&d, 1, NULL);
	MOOR_CHECK_INT(moor_mysql_row_next(&d, row, 3, &used, &v), MOOR_ERR_MYSQL_TOO_LARGE);
	row[1] = 0xe8;                                  /* 1000: fine */
	moor_mysql_row_init(&d, 1, NULL);
	MOOR_CHECK_INT(moor_mysql_row_next(&d, row, 3, &used, &v), 0);

	/* binary rows of 8 columns: fine; 9: refused */
	memset(types, MOOR_MYSQL_TYPE_TINY, sizeof types);
	MOOR_CHECK_INT(moor_mysql_row_init(&d, 8, types), MOOR_OK);
	MOOR_CHECK_INT(moor_mysql_row_init(&d, 9, types), MOOR_ERR_MYSQL_COLUMNS);
	MOOR_CHECK_INT(moor_mysql_row_init(&d, 9, NULL), MOOR_OK);
	MOOR_CHECK_INT(sizeof d.bitmap, 2);
	return moor_test_done();
}
