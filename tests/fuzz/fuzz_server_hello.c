/* Fuzz target: the TLS 1.3 ServerHello / HRR parser. The first byte
 * chooses the session id the client "sent" (0 or 32 bytes). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "moor/status.h"
#include "moor/tls13_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sid[32] = { 0 };
	moor_tls13_server_hello sh;
	size_t sid_len;
	int st;

	if (size < 1)
		return 0;
	sid_len = (data[0] & 1) ? 32 : 0;
	st = moor_tls13_parse_server_hello(data + 1, size - 1, sid, sid_len, &sh);
	if (st == MOOR_OK) {
		/* Every slice handed back lies inside the input. */
		const uint8_t *lo = data + 1, *hi = data + size;

		if (sh.random < lo || sh.random + 32 > hi)
			__builtin_trap();
		if (sh.share != NULL && (sh.share < lo || sh.share + sh.share_len > hi))
			__builtin_trap();
		if (sh.cookie != NULL && (sh.cookie < lo || sh.cookie + sh.cookie_len > hi))
			__builtin_trap();
	} else if (st != MOOR_ERR_TLS_PROTOCOL) {
		__builtin_trap(); /* the only documented failure */
	}
	return 0;
}
