/*
 * RFC 8448 "Example Handshake Traces for TLS 1.3" (January 2019): the
 * published values that test_tls13.c checks moor's key schedule,
 * transcript hash and record protection against.
 *
 * Every entry is one labelled block of the RFC trace, "label (N octets):
 * hex", copied as hex text; the number is the RFC's own octet count and
 * the test checks that the hex decodes to exactly that many bytes, so a
 * dropped or doubled byte shows up as a length failure rather than as a
 * confusing mismatch further on. Whitespace inside the hex is ignored.
 *
 * Names: r3_ = section 3 "Simple 1-RTT Handshake", r4_ = section 4
 * "Resumed 0-RTT Handshake", r5_ = section 5 "HelloRetryRequest". All
 * three use TLS_AES_128_GCM_SHA256. The comment above each entry quotes
 * the RFC step it comes from.
 *
 * Transcript hashes are not taken from here blindly: the test recomputes
 * them with moor_tls13_transcript_* over the message bytes below and
 * compares with the "hash" lines the RFC prints for the Derive-Secret
 * steps (the RFC prints no hash for the Finished computations, so those
 * are checked only through the Finished values).
 */
#ifndef MOOR_RFC8448_VECTORS_H
#define MOOR_RFC8448_VECTORS_H

#include <stddef.h>

struct r8448 {
	size_t len;       /* the RFC's "(N octets)" */
	const char *hex;
};

/* ---------------------------------------------------------------------- */
/* Section 3: Simple 1-RTT Handshake                                       */
/* ---------------------------------------------------------------------- */

/* {client} construct a ClientHello handshake message: ClientHello */
static const struct r8448 r3_client_hello = { 196,
	"01 00 00 c0 03 03 cb 34 ec b1 e7 81 63"
	"ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83"
	"02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b"
	"00 09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 14 00"
	"12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 23"
	"00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2"
	"3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a"
	"af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03"
	"02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06"
	"02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01" };

/* {server} extract secret "early": secret */
static const struct r8448 r3_early = { 32,
	"33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c"
	"e2 10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 f9 2a" };

/* {server} construct a ServerHello handshake message: ServerHello */
static const struct r8448 r3_server_hello = { 90,
	"02 00 00 56 03 03 a6 af 06 a4 12 18 60"
	"dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1 55 77 2e"
	"d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88"
	"76 11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1"
	"dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04" };

/* {server} derive secret for handshake "tls13 derived": expanded */
static const struct r8448 r3_derived_hs = { 32,
	"6f 26 15 a1 08 c7 02 c5 67 8f 54 fc 9d ba"
	"b6 97 16 c0 76 18 9c 48 25 0c eb ea c3 57 6c 36 11 ba" };

/* {server} extract secret "handshake": IKM (the x25519 shared secret) */
static const struct r8448 r3_ecdhe = { 32,
	"8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d"
	"35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89 49 2d" };

/* {server} extract secret "handshake": secret */
static const struct r8448 r3_hs = { 32,
	"1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b"
	"01 04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac" };

/* {server} derive secret "tls13 c hs traffic": hash (ClientHello..ServerHello) */
static const struct r8448 r3_th_sh = { 32,
	"86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed"
	"d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8" };

/* {server} derive secret "tls13 c hs traffic": expanded */
static const struct r8448 r3_c_hs = { 32,
	"b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e"
	"2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21" };

/* {server} derive secret "tls13 s hs traffic": expanded */
static const struct r8448 r3_s_hs = { 32,
	"b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d"
	"37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38" };

/* {server} derive secret for master "tls13 derived": expanded */
static const struct r8448 r3_derived_ms = { 32,
	"43 de 77 e0 c7 77 13 85 9a 94 4d b9 db 25"
	"90 b5 31 90 a6 5b 3e e2 e4 f1 2d d7 a0 bb 7c e2 54 b4" };

/* {server} extract secret "master": secret */
static const struct r8448 r3_master = { 32,
	"18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a"
	"47 80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19" };

/* {server} derive write traffic keys for handshake data: key, iv expanded */
static const struct r8448 r3_s_hs_key = { 16,
	"3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc" };
static const struct r8448 r3_s_hs_iv = { 12,
	"5d 31 3e b2 67 12 76 ee 13 00 0b 30" };

/* {server} construct an EncryptedExtensions handshake message */
static const struct r8448 r3_encrypted_extensions = { 40,
	"08 00 00 24 00 22 00 0a 00 14 00"
	"12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c"
	"00 02 40 01 00 00 00 00" };

/* {server} construct a Certificate handshake message */
static const struct r8448 r3_certificate = { 445,
	"0b 00 01 b9 00 00 01 b5 00 01 b0 30 82"
	"01 ac 30 82 01 15 a0 03 02 01 02 02 01 02 30 0d 06 09 2a 86 48"
	"86 f7 0d 01 01 0b 05 00 30 0e 31 0c 30 0a 06 03 55 04 03 13 03"
	"72 73 61 30 1e 17 0d 31 36 30 37 33 30 30 31 32 33 35 39 5a 17"
	"0d 32 36 30 37 33 30 30 31 32 33 35 39 5a 30 0e 31 0c 30 0a 06"
	"03 55 04 03 13 03 72 73 61 30 81 9f 30 0d 06 09 2a 86 48 86 f7"
	"0d 01 01 01 05 00 03 81 8d 00 30 81 89 02 81 81 00 b4 bb 49 8f"
	"82 79 30 3d 98 08 36 39 9b 36 c6 98 8c 0c 68 de 55 e1 bd b8 26"
	"d3 90 1a 24 61 ea fd 2d e4 9a 91 d0 15 ab bc 9a 95 13 7a ce 6c"
	"1a f1 9e aa 6a f9 8c 7c ed 43 12 09 98 e1 87 a8 0e e0 cc b0 52"
	"4b 1b 01 8c 3e 0b 63 26 4d 44 9a 6d 38 e2 2a 5f da 43 08 46 74"
	"80 30 53 0e f0 46 1c 8c a9 d9 ef bf ae 8e a6 d1 d0 3e 2b d1 93"
	"ef f0 ab 9a 80 02 c4 74 28 a6 d3 5a 8d 88 d7 9f 7f 1e 3f 02 03"
	"01 00 01 a3 1a 30 18 30 09 06 03 55 1d 13 04 02 30 00 30 0b 06"
	"03 55 1d 0f 04 04 03 02 05 a0 30 0d 06 09 2a 86 48 86 f7 0d 01"
	"01 0b 05 00 03 81 81 00 85 aa d2 a0 e5 b9 27 6b 90 8c 65 f7 3a"
	"72 67 17 06 18 a5 4c 5f 8a 7b 33 7d 2d f7 a5 94 36 54 17 f2 ea"
	"e8 f8 a5 8c 8f 81 72 f9 31 9c f3 6b 7f d6 c5 5b 80 f2 1a 03 01"
	"51 56 72 60 96 fd 33 5e 5e 67 f2 db f1 02 70 2e 60 8c ca e6 be"
	"c1 fc 63 a4 2a 99 be 5c 3e b7 10 7c 3c 54 e9 b9 eb 2b d5 20 3b"
	"1c 3b 84 e0 a8 b2 f7 59 40 9b a3 ea c9 d9 1d 40 2d cc 0c c8 f8"
	"96 12 29 ac 91 87 b4 2b 4d e1 00 00" };

/* {server} construct a CertificateVerify handshake message */
static const struct r8448 r3_certificate_verify = { 136,
	"0f 00 00 84 08 04 00 80 5a 74 7c"
	"5d 88 fa 9b d2 e5 5a b0 85 a6 10 15 b7 21 1f 82 4c d4 84 14 5a"
	"b3 ff 52 f1 fd a8 47 7b 0b 7a bc 90 db 78 e2 d3 3a 5c 14 1a 07"
	"86 53 fa 6b ef 78 0c 5e a2 48 ee aa a7 85 c4 f3 94 ca b6 d3 0b"
	"be 8d 48 59 ee 51 1f 60 29 57 b1 54 11 ac 02 76 71 45 9e 46 44"
	"5c 9e a5 8c 18 1e 81 8e 95 b8 c3 fb 0b f3 27 84 09 d3 be 15 2a"
	"3d a5 04 3e 06 3d da 65 cd f5 ae a2 0d 53 df ac d4 2f 74 f3" };

/* {server} calculate finished "tls13 finished": expanded, finished */
static const struct r8448 r3_s_finished_key = { 32,
	"00 8d 3b 66 f8 16 ea 55 9f 96 b5 37 e8 85"
	"c3 1f c0 68 bf 49 2c 65 2f 01 f2 88 a1 d8 cd c1 9f c8" };
static const struct r8448 r3_s_verify_data = { 32,
	"9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4"
	"de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07 18" };

/* {server} construct a Finished handshake message */
static const struct r8448 r3_server_finished = { 36,
	"14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb"
	"dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07"
	"18" };

/* {server} send handshake record: complete record. Its payload (657
 * octets) is EncryptedExtensions, Certificate, CertificateVerify and
 * Finished above, in that order. */
static const struct r8448 r3_server_flight_record = { 679,
	"17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35e"
	"df7869fcf40aa40aa2b8ea73f848a7ca07612ef9f945cb960b4068905123ea78"
	"b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13b"
	"d9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9"
	"d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d2e"
	"d65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd61092"
	"8d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead68694"
	"5ba246ab66e5edd8044b4c6de3fcf2a89441ac66272fd8fb330ef8190579b368"
	"4596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f"
	"4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26"
	"f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b65962224531"
	"7b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e"
	"1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da"
	"8c87c843f5e56eb4c5e8280a2b48052cf93b16499a66db7cca71e4599426f7d4"
	"61e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe"
	"5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb"
	"992f2b992f67f8afe67f76913fa388cb5630c8ca01e0c65d11c66a1e2ac4c859"
	"77b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038"
	"ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b84"
	"5e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b440a30cb5"
	"d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e"
	"750edc53370d2b" };

/* {server} derive secret "tls13 c ap traffic": hash (ClientHello..server
 * Finished), expanded */
static const struct r8448 r3_th_sf = { 32,
	"96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a"
	"00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13" };
static const struct r8448 r3_c_ap = { 32,
	"9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce"
	"65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5" };

/* {server} derive secret "tls13 s ap traffic": expanded */
static const struct r8448 r3_s_ap = { 32,
	"a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9"
	"50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43" };

/* {server} derive secret "tls13 exp master": expanded */
static const struct r8448 r3_exp_master = { 32,
	"fe 22 f8 81 17 6e da 18 eb 8f 44 52 9e 67"
	"92 c5 0c 9a 3f 89 45 2f 68 d8 ae 31 1b 43 09 d3 cf 50" };

/* {server} derive write traffic keys for application data */
static const struct r8448 r3_s_ap_key = { 16,
	"9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56" };
static const struct r8448 r3_s_ap_iv = { 12,
	"cf 78 2b 88 dd 83 54 9a ad f1 e9 84" };

/* {server} derive read traffic keys for handshake data */
static const struct r8448 r3_c_hs_key = { 16,
	"db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01" };
static const struct r8448 r3_c_hs_iv = { 12,
	"5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f" };

/* {client} calculate finished "tls13 finished": expanded, finished */
static const struct r8448 r3_c_finished_key = { 32,
	"b8 0a d0 10 15 fb 2f 0b d6 5f f7 d4 da 5d"
	"6b f8 3f 84 82 1d 1f 87 fd c7 d3 c7 5b 5a 7b 42 d9 c4" };
static const struct r8448 r3_c_verify_data = { 32,
	"a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1"
	"1a 03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce 61" };

/* {client} construct a Finished handshake message */
static const struct r8448 r3_client_finished = { 36,
	"14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a"
	"c1 fc eb e1 1a 03 9e c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce"
	"61" };

/* {client} send handshake record: complete record (the client Finished
 * under the client handshake traffic keys) */
static const struct r8448 r3_client_finished_record = { 58,
	"170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc"
	"44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546" };

/* {client} derive write traffic keys for application data */
static const struct r8448 r3_c_ap_key = { 16,
	"17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51" };
static const struct r8448 r3_c_ap_iv = { 12,
	"5b 78 92 3d ee 08 57 90 33 e5 23 d9" };

/* {client} derive secret "tls13 res master": hash (ClientHello..client
 * Finished), expanded */
static const struct r8448 r3_th_cf = { 32,
	"20 91 45 a9 6e e8 e2 a1 22 ff 81 00 47 cc 95 26"
	"84 65 8d 60 49 e8 64 29 42 6d b8 7c 54 ad 14 3d" };
static const struct r8448 r3_res_master = { 32,
	"7d f2 35 f2 03 1d 2a 05 12 87 d0 2b 02 41"
	"b0 bf da f8 6c c8 56 23 1f 2d 5a ba 46 c4 34 ec 19 6c" };

/* {server} generate resumption secret "tls13 resumption": hash (the
 * ticket nonce), expanded (the PSK section 4 resumes with) */
static const struct r8448 r3_ticket_nonce = { 2, "00 00" };
static const struct r8448 r3_res_psk = { 32,
	"4e cd 0e b6 ec 3b 4d 87 f5 d6 02 8f 92 2c"
	"a4 c5 85 1a 27 7f d4 13 11 c9 e6 2d 2c 94 92 e1 c4 f3" };

/* {server} construct a NewSessionTicket handshake message */
static const struct r8448 r3_new_session_ticket = { 205,
	"04 00 00 c9 00 00 00 1e fa d6 aa"
	"c5 02 00 00 00 b2 2c 03 5d 82 93 59 ee 5f f7 af 4e c9 00 00 00"
	"00 26 2a 64 94 dc 48 6d 2c 8a 34 cb 33 fa 90 bf 1b 00 70 ad 3c"
	"49 88 83 c9 36 7c 09 a2 be 78 5a bc 55 cd 22 60 97 a3 a9 82 11"
	"72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 be 7f d6 1d 28"
	"27 db 27 9c ce 14 50 77 d4 54 a3 66 4d 4e 6d a4 d2 9e e0 37 25"
	"a6 a4 da fc d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5 90 6c"
	"5b 3f 7d 8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2 97 b5 ae a6"
	"17 64 6f ac 5c 03 27 2e 97 07 27 c6 21 a7 91 41 ef 5f 7d e6 50"
	"5e 5b fb c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 00 08 00 2a 00"
	"04 00 00 04 00" };

/* {server} send handshake record: complete record (the NewSessionTicket
 * under the server application traffic keys, sequence number 0) */
static const struct r8448 r3_new_session_ticket_record = { 227,
	"17030300de3a6b8f90414a97d6959c3487680de5134a2b240e6cffac116e95d4"
	"1d6af8f6b580dcf3d11d63c758db289a015940252f55713e061dc13e078891a3"
	"8efbcf5753ad8ef170ad3c7353d16d9da773b9ca7f2b9fa1b6c0d4a3d03f75e0"
	"9c30ba1e62972ac46f75f7b981be63439b2999ce13064615139891d5e4c5b406"
	"f16e3fc181a77ca475840025db2f0a77f81b5ab05b94c01346755f69232c8651"
	"9d86cbeeac87aac347d143f9605d64f650db4d023e70e952ca49fe5137121c74"
	"bc2697687e248746d6df353005f3bce18696129c8153556b3b6c6779b37bf159"
	"85684f" };

/* {client} send application_data record and {server} send
 * application_data record: payload (the same 50 octets both ways) */
static const struct r8448 r3_app_data = { 50,
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f3031" };

/* {client} send application_data record: complete record */
static const struct r8448 r3_client_app_record = { 72,
	"1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f"
	"2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae6"
	"3aeebb21694915e4" };

/* {server} send application_data record: complete record (sequence
 * number 1: the NewSessionTicket went first) */
static const struct r8448 r3_server_app_record = { 72,
	"17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36"
	"e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf33254"
	"0dd032e167c2955d" };

/* {client} send alert record and {server} send alert record: payload
 * (close_notify) */
static const struct r8448 r3_alert = { 2, "01 00" };

/* {client} send alert record: complete record */
static const struct r8448 r3_client_alert_record = { 24,
	"1703030013c9872760655666b74d7ff1153efd6db6d0b0e3" };

/* {server} send alert record: complete record */
static const struct r8448 r3_server_alert_record = { 24,
	"1703030013b58fd67166ebf599d24720cfbe7efa7a8864a9" };

/* ---------------------------------------------------------------------- */
/* Section 4: Resumed 0-RTT Handshake                                      */
/* ---------------------------------------------------------------------- */

/* {client} extract secret "early": IKM (the PSK of section 3), secret */
static const struct r8448 r4_psk = { 32,
	"4e cd 0e b6 ec 3b 4d 87 f5 d6 02 8f 92 2c a4 c5"
	"85 1a 27 7f d4 13 11 c9 e6 2d 2c 94 92 e1 c4 f3" };
static const struct r8448 r4_early = { 32,
	"9b 21 88 e9 b2 fc 6d 64 d7 1d c3 29 90 0e 20"
	"bb 41 91 50 00 f6 78 aa 83 9c bb 79 7c b7 d8 33 2c" };

/* {client} send handshake record: payload. The whole ClientHello; its
 * first 477 octets are the "ClientHello prefix (477 octets)" the binder
 * is computed over, then come the binders: 00 21, 20, binder. */
static const struct r8448 r4_client_hello = { 512,
	"01 00 01 fc 03 03 1b c3 ce b6 bb e3 9c ff"
	"93 83 55 b5 a5 0a db 6d b2 1b 7a 6a f6 49 d7 b4 bc 41 9d 78 76"
	"48 7d 95 00 00 06 13 01 13 03 13 02 01 00 01 cd 00 00 00 0b 00"
	"09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 14 00 12"
	"00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 33 00"
	"26 00 24 00 1d 00 20 e4 ff b6 8a c0 5f 8d 96 c9 9d a2 66 98 34"
	"6c 6b e1 64 82 ba dd da fe 05 1a 66 b4 f1 8d 66 8f 0b 00 2a 00"
	"00 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02"
	"03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06 02"
	"02 02 00 2d 00 02 01 01 00 1c 00 02 40 01 00 15 00 57 00 00 00"
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	"00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	"00 29 00 dd 00 b8 00 b2 2c 03 5d 82 93 59 ee 5f f7 af 4e c9 00"
	"00 00 00 26 2a 64 94 dc 48 6d 2c 8a 34 cb 33 fa 90 bf 1b 00 70"
	"ad 3c 49 88 83 c9 36 7c 09 a2 be 78 5a bc 55 cd 22 60 97 a3 a9"
	"82 11 72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 be 7f d6"
	"1d 28 27 db 27 9c ce 14 50 77 d4 54 a3 66 4d 4e 6d a4 d2 9e e0"
	"37 25 a6 a4 da fc d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5"
	"90 6c 5b 3f 7d 8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2 97 b5"
	"ae a6 17 64 6f ac 5c 03 27 2e 97 07 27 c6 21 a7 91 41 ef 5f 7d"
	"e6 50 5e 5b fb c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 fa d6 aa"
	"cb 00 21 20 3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e f5 e8 8d"
	"ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e 5f 9d" };
#define R4_CH_PREFIX_LEN 477

/* {client} calculate PSK binder: binder hash, PRK (the binder key),
 * expanded (its finished key), finished (the binder) */
static const struct r8448 r4_binder_hash = { 32,
	"63 22 4b 2e 45 73 f2 d3 45 4c a8 4b 9d"
	"00 9a 04 f6 be 9e 05 71 1a 83 96 47 3a ef a0 1e 92 4a 14" };
static const struct r8448 r4_binder_key = { 32,
	"69 fe 13 1a 3b ba d5 d6 3c 64 ee bc c3 0e 39 5b"
	"9d 81 07 72 6a 13 d0 74 e3 89 db c8 a4 e4 72 56" };
static const struct r8448 r4_binder_finished_key = { 32,
	"55 88 67 3e 72 cb 59 c8 7d 22 0c af fe 94"
	"f2 de a9 a3 b1 60 9f 7d 50 e9 0a 48 22 7d b9 ed 7e aa" };
static const struct r8448 r4_binder = { 32,
	"3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e"
	"f5 e8 8d ae 99 01 41 c5 92 4d 57 bb 6f a3 1b 9e 5f 9d" };

/* {client} derive secret "tls13 c e traffic": hash (the whole
 * ClientHello), expanded */
static const struct r8448 r4_th_ch = { 32,
	"08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913" };
static const struct r8448 r4_c_e = { 32,
	"3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62" };

/* {client} derive secret "tls13 e exp master": expanded */
static const struct r8448 r4_e_exp_master = { 32,
	"b2026866610937d7423e5be90862ccf24c0e6091186d34f812089ff5be2ef7df" };

/* {client} derive write traffic keys for early application data */
static const struct r8448 r4_c_e_key = { 16, "920205a5b7bf2115e6fc5c2942834f54" };
static const struct r8448 r4_c_e_iv = { 12, "6d475f0993c8e564610db2b9" };

/* {client} send application_data record: payload ("ABCDEF"), complete
 * record (0-RTT data under the client early traffic keys) */
static const struct r8448 r4_early_data = { 6, "414243444546" };
static const struct r8448 r4_early_data_record = { 28,
	"1703030017ab1df420e75c457a7cc5d2844f76d5aee4b4edbf049be0" };

/* {server} construct a ServerHello handshake message */
static const struct r8448 r4_server_hello = { 96,
	"0200005c03033ccfd2dec890222763472ae8136777c9d7358777bb66e91ea512"
	"2495f559ea2d00130100003400290002000000330024001d0020121761ee42c3"
	"33e1b9e77b60dd57c2053cd94512ab47f115e86eff50942cea31002b00020304" };

/* {server} derive secret for handshake "tls13 derived": expanded */
static const struct r8448 r4_derived_hs = { 32,
	"5f1790bbd82c5e7d376ed2e1e52f8e6038c9346db61b43be9a52f77ef3998e80" };

/* {server} extract secret "handshake": IKM (x25519 shared secret), secret */
static const struct r8448 r4_ecdhe = { 32,
	"f44194756ff9ec9d25180635d66ea6824c6ab3bf179977be37f723570e7ccb2e" };
static const struct r8448 r4_hs = { 32,
	"005cb112fd8eb4ccc623bb88a07c64b3ede1605363fc7d0df8c7ce4ff0fb4ae6" };

/* {server} derive secret "tls13 c hs traffic" / "tls13 s hs traffic":
 * expanded */
static const struct r8448 r4_c_hs = { 32,
	"2faac08f851d35fea3604fcb4de82dc62c9b164a70974d0462e27f1ab278700f" };
static const struct r8448 r4_s_hs = { 32,
	"fe927ae271312e8bf0275b581c54eef020450dc4ecffaa05a1a35d27518e7803" };

/* {server} derive secret for master "tls13 derived", extract secret
 * "master" */
static const struct r8448 r4_derived_ms = { 32,
	"e2f16030251df0874ba19b9aba257610bc6d531c1dd206df0ca6e84ae2a26742" };
static const struct r8448 r4_master = { 32,
	"e2d32d4ed66dd37897a0e80c84107503ce58bf8aad4cb55a5002d77ecb890ece" };

/* {server} derive write traffic keys for handshake data */
static const struct r8448 r4_s_hs_key = { 16, "27c6bdc0a3dcea39a47326d79bc9e4ee" };
static const struct r8448 r4_s_hs_iv = { 12, "9569ecdd4d0536705e9ef725" };

/* {server} construct an EncryptedExtensions handshake message (it
 * accepts early data: the trailing 00 2a 00 00) */
static const struct r8448 r4_encrypted_extensions = { 44,
	"080000280026000a00140012001d00170018001901000101010201030104001c"
	"0002400100000000002a0000" };

/* {server} calculate finished "tls13 finished": finished; {server}
 * construct a Finished handshake message */
static const struct r8448 r4_s_verify_data = { 32,
	"48d3e0e1b3d907c6acff145e16090388c77b05c050b634ab1a88bbd0dd1a34b2" };
static const struct r8448 r4_server_finished = { 36,
	"1400002048d3e0e1b3d907c6acff145e16090388c77b05c050b634ab1a88bbd0"
	"dd1a34b2" };

/* {server} derive secret "tls13 c ap traffic", "tls13 s ap traffic",
 * "tls13 exp master": expanded */
static const struct r8448 r4_c_ap = { 32,
	"2abbf2b8e381d23dbebe1dd2a7d16a8bf484cb4950d23fb7fb7fa8547062d9a1" };
static const struct r8448 r4_s_ap = { 32,
	"cc21f1bf8feb7dd5fa505bd9c4b468a9984d554a993dc49e6d285598fb672691" };
static const struct r8448 r4_exp_master = { 32,
	"3fd93d4ffddc98e64b14dd107aedf8ee4add23f4510f58a4592d0b201bee56b4" };

/* {server} derive write traffic keys for application data */
static const struct r8448 r4_s_ap_key = { 16, "e857c690a34c5a9129d833619684f95e" };
static const struct r8448 r4_s_ap_iv = { 12, "0685d6b561aab9ef1013faf9" };

/* {client} construct an EndOfEarlyData handshake message */
static const struct r8448 r4_end_of_early_data = { 4, "05 00 00 00" };

/* {client} derive write traffic keys for handshake data */
static const struct r8448 r4_c_hs_key = { 16, "b1530806f4adfeac83f1413032bbfa82" };
static const struct r8448 r4_c_hs_iv = { 12, "eb50c16be7654abf99dd06d9" };

/* {client} calculate finished "tls13 finished": finished; {client}
 * construct a Finished handshake message */
static const struct r8448 r4_c_verify_data = { 32,
	"7230a9c952c25cd6138fc5e6628308c41c5335dd81b9f96bcea50fd32bda416d" };
static const struct r8448 r4_client_finished = { 36,
	"140000207230a9c952c25cd6138fc5e6628308c41c5335dd81b9f96bcea50fd3"
	"2bda416d" };

/* {client} derive write traffic keys for application data */
static const struct r8448 r4_c_ap_key = { 16, "3cf122f301c6358ca7989553250efd72" };
static const struct r8448 r4_c_ap_iv = { 12, "ab1aec26aa78b8fc1176b9ac" };

/* {client} derive secret "tls13 res master": expanded */
static const struct r8448 r4_res_master = { 32,
	"5e95bdf1f89005ea2e9aa0ba85e728e3c19c5fe0c699e3f5bee59faebd0b5406" };

/* ---------------------------------------------------------------------- */
/* Section 5: HelloRetryRequest                                            */
/* ---------------------------------------------------------------------- */

/* {client} construct a ClientHello handshake message (the first one:
 * x25519 key share only) */
static const struct r8448 r5_client_hello1 = { 180,
	"010000b00303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee92"
	"58a346677b6f000006130113031302010000810000000b000900000673657276"
	"6572ff01000100000a00080006001d00170018003300260024001d0020e8e8e3"
	"f3b93a25ed97a14a7dcacb8a272c6288e585c6484d05262fcad062ad1f002b00"
	"03020304000d0020001e04030503060302030804080508060401050106010201"
	"0402050206020202002d00020101001c00024001" };

/* {server} construct a ServerHello handshake message (the
 * HelloRetryRequest: secp256r1 and a cookie) */
static const struct r8448 r5_hello_retry_request = { 176,
	"020000ac0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e"
	"09e2c8a8339c001301000084003300020017002c0074007271dcd04bb88bc318"
	"9119398a00000000eefafc76c146b823b096f8aacad365dd0030953f4edf6256"
	"36e5f21bb2e23fcc654b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d"
	"6e50781b5eda4aa15b0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0c"
	"af571fb2b7cff0f934b0002b00020304" };

/* {client} construct a ClientHello handshake message (the second one:
 * P-256 key share, the cookie, padding) */
static const struct r8448 r5_client_hello2 = { 512,
	"010001fc0303b0b1c5a5aa37c5919f2ed1d5c6fff7fcb7849716945a2b8cee92"
	"58a346677b6f000006130113031302010001cd0000000b000900000673657276"
	"6572ff01000100000a00080006001d001700180033004700450017004104a6da"
	"7392ec591e17abfd535964b99894d13befb221b3def2ebe3830eac8f01518126"
	"77c4d6d2237e85cf01d6910cfb83954e76ba7352830534159897e8065780002b"
	"0003020304000d0020001e040305030603020308040805080604010501060102"
	"010402050206020202002c0074007271dcd04bb88bc3189119398a00000000ee"
	"fafc76c146b823b096f8aacad365dd0030953f4edf625636e5f21bb2e23fcc65"
	"4b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d6e50781b5eda4aa15b"
	"0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0caf571fb2b7cff0f934"
	"b0002d00020101001c00024001001500af000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000" };

/* {server} construct a ServerHello handshake message (the real one) */
static const struct r8448 r5_server_hello = { 123,
	"020000770303bb341d847fd789c47c387172dc0c9bf147fccacb5043d86ca4c5"
	"98d3ff571b9800130100004f003300450017004104583e054b7a66672ae020ad"
	"9d2686fcc85b5ad41a134a0f03ee72b893052bd85b4c8de6776f5b04ac07d835"
	"40eab3e3d9c547bc6528c4317d294686093a6cad7d002b00020304" };

/* {server} extract secret "early": secret (no PSK) */
static const struct r8448 r5_early = { 32,
	"33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a" };

/* {server} extract secret "handshake": IKM (the P-256 shared secret),
 * secret */
static const struct r8448 r5_ecdhe = { 32,
	"c142ce13ca11b5c2233652e63ad3d97844f1621fbfb9de69d547dc8fedeabeb4" };
static const struct r8448 r5_hs = { 32,
	"ce022e5e6e81e50736d773f2d3adfce8220d049bf510f0dbfac927ef4243b148" };

/* {server} derive secret "tls13 c hs traffic": hash (message_hash,
 * HelloRetryRequest, ClientHello, ServerHello), expanded */
static const struct r8448 r5_th_sh = { 32,
	"8aa8e828ec2f8a884fec95a3139de01c15a3daa7ff5bfc3f4bfcc21b438d7bf8" };
static const struct r8448 r5_c_hs = { 32,
	"158aa7ab8855073582b41d674b4055cabcc534728f659314861b4e08e2011566" };

/* {server} derive secret "tls13 s hs traffic": expanded */
static const struct r8448 r5_s_hs = { 32,
	"3403e781e2af7b6508da28574f6e95a1abf162de83a97927c37672a4a0cef8a1" };

/* {server} extract secret "master": secret */
static const struct r8448 r5_master = { 32,
	"1131545d0baf79ddce9b87f06945781a57dd18ef378dcd2060f8f9a569027ed8" };

/* {server} derive write traffic keys for handshake data */
static const struct r8448 r5_s_hs_key = { 16, "4646bfac1712c426cd78d8a24a8a6f6b" };
static const struct r8448 r5_s_hs_iv = { 12, "c7d395c08d62f297d13768ea" };

/* {server} send handshake record: payload (EncryptedExtensions,
 * Certificate, CertificateVerify, Finished) */
static const struct r8448 r5_server_flight = { 645,
	"080000180016000a0008000600170018001d001c00024001000000000b0001b9"
	"000001b50001b0308201ac30820115a003020102020102300d06092a864886f7"
	"0d01010b0500300e310c300a06035504031303727361301e170d313630373330"
	"3031323335395a170d3236303733303031323335395a300e310c300a06035504"
	"03130372736130819f300d06092a864886f70d010101050003818d0030818902"
	"818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a24"
	"61eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187"
	"a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0"
	"461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f"
	"7f1e3f0203010001a31a301830090603551d1304023000300b0603551d0f0404"
	"030205a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b90"
	"8c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a58c8f8172"
	"f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608c"
	"cae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759"
	"409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de100000f000084080400"
	"8033ab13d4462707231b5dcae6c8190b63d1dabc74f28c395370da0b07e5b830"
	"66d0246a31acd95df475bfd799a4a70d33ad93d3a317a9b2c0d237a5685b219e"
	"774112e391a247607d1aeff1bbd0a39f382ee1a5fe88ae99ec59228e6497e45d"
	"48ce275a6d5ef40d169fb6f9d33b052ed3dcdd6b5a48baafffbcb290128415bd"
	"38140000208863e6bfb0420a927fa27f34336a70ae426e968e3eb884945b9685"
	"6dba3976d1" };
/* where the server Finished starts in that payload: after
 * EncryptedExtensions (28), Certificate (445), CertificateVerify (136) */
#define R5_FLIGHT_FINISHED_OFF (28 + 445 + 136)

/* {server} send handshake record: complete record */
static const struct r8448 r5_server_flight_record = { 667,
	"170303029699bee20baf5b7fc727bfab6223928a381e6d0cf9c4da653f9d2a7b"
	"23f7de11cce842d5cf75631763450ffb8b0cc1d238e658af7a12adc86243114a"
	"b14a1da2fae42621ce483fb6242eabfaad52566b02b31d2eddedefeb80e66a99"
	"00d5f973b40c4fdf74719ecf1b68d7f9c3b6ceb903ca13dd1bb8f8187ae33417"
	"e1d152522c5822a1a03ad52c838c55953d610222874cce8e1790b229a2aa0b53"
	"c8d377ee720182951dc6181dc5d90bd1f0105ed1e84aa5f75957c6661897079e"
	"5ea5007449e3197bdc7c9beeedddeafdd844afa5c315ecfe65e576afe9098128"
	"80620ec7048b42d7f5c78d76f299d6d82534bdd8f512febc0ed3814aca470cd8"
	"000d3e1cb9962b052fbb950df683a52c2ba77ed3713b122937a6e5170964e2ab"
	"7969dcd980b3db9b458da7603124d6dc005e4d6e04b4d0c4baf3275db827dbba"
	"0a6db09672171fc057b3851d7e026841e2978fbd2346bbefdd0376bb1108fe9a"
	"cc92189f5650aa5e85d8e8c7b67ac510dba003d3d7e16350bb66d45013efd44c"
	"9b607c0d318c4c7d1a1f5cbc57e20611804e3787d7b4a4b5f08ed8fd70bdaead"
	"e02260b12ab842ef690b4a3ee7911e841b374ecd5ebbbc2a54d047b600336dd7"
	"d0c88b4bc10e58ee6cb656de7247fa20d8e91deb84628608cf80615b62e96c14"
	"91c7ac3755eb6901405d3474fe1ac79d106a0cee56c2577fc88480f96cb6b8c6"
	"81b7b68b53c146093908f350888175bdfb0b1e31ad61e30ba0adfe6d223aa03c"
	"0783b5001a57587c328a9afcfcfb978d1cd4328f7d9d60530e630befd96c0c81"
	"6ee20b0100768ae2a6df51fc68f172740a79af11398ee3be1252491fa9c69347"
	"9e877f94ab7c5f8cad480203e6ab7b87dd71e8a0729113df17f5eee86ce108d1"
	"d72007ec1cd13c85a6c149621e77b7d78d805a30f0be030c315e54" };

/* {server} derive secret "tls13 c ap traffic": hash (through the server
 * Finished), expanded; "tls13 s ap traffic", "tls13 exp master":
 * expanded */
static const struct r8448 r5_th_sf = { 32,
	"50f63cbf36b0dd049e7a0ba27d6455745ea2aaac54bb167f9950b2b7ce9509da" };
static const struct r8448 r5_c_ap = { 32,
	"75ecf4b972525aa0dcd057c9944d4cd5d82671d8843141d7dc2a4ff15a21dc51" };
static const struct r8448 r5_s_ap = { 32,
	"5c74f87df04225db0f8209c9de6429e49435fdefa7cad61864874d12f31cfc8d" };
static const struct r8448 r5_exp_master = { 32,
	"7c06d3ae106a3a374ace4837b3985cac67780a6e2c5c04b58319d584df09d223" };

#endif
