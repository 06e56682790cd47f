/* Fuzz target: PEM decoding, anchors from PEM, credentials and DN
 * formatting on arbitrary text. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "moor/status.h"
#include "moor/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t der[8192], work[16384];
	static br_x509_trust_anchor ta[4];
	static const char *names[4];
	static moor_credentials cr;
	moor_anchors a;
	char label[32], dn[256];
	size_t pos = 0, len, i;
	int st, n = 0;

	/* every PEM object, then the DER as a DN */
	while (n++ < 16) {
		st = moor_pem_next((const char *)data, size, &pos, label, sizeof label,
			der, sizeof der, &len);
		if (st != MOOR_OK)
			break;
		if (len > sizeof der)
			__builtin_trap();
		moor_dn_format(der, len, dn, sizeof dn);
		if (strlen(dn) >= sizeof dn)
			__builtin_trap();
	}
	moor_dn_format(data, size, dn, sizeof dn);
	st = moor_anchors_from_pem(&a, ta, names, 4, work, sizeof work,
		(const char *)data, size);
	if (st > 0) {
		if ((size_t)st != a.count || a.count > 4)
			__builtin_trap();
		for (i = 0; i < a.count; i++) {
			if (a.ta[i].dn.data < work || a.ta[i].dn.data + a.ta[i].dn.len > work + sizeof work)
				__builtin_trap();
		}
	}
	/* the same text as certificate and key */
	moor_credentials_load(&cr, work, sizeof work, data, size, data, size);
	return 0;
}
