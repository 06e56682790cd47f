#!/usr/bin/python3
"""Seeds for fuzz_tls13_record: 8 control bytes, then the payload (see the
top of tests/fuzz/fuzz_tls13_record.c for what each control byte does).

    /usr/bin/python3 gen_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def ctrl(ct=23, pad=0, room=0, limit=0, seq=0, mask=1, seed=0):
    return bytes([ct, pad & 0xff, ((pad >> 8) & 0x3f) | (room << 6), limit, seq, mask,
                  seed >> 8, seed & 0xff])


def record(content):
    return b"\x17\x03\x03" + struct.pack(">H", len(content)) + content


def main():
    s = {
        "empty_app": ctrl(),
        "hello_hs": ctrl(ct=22) + b"\x14\x00\x00\x20" + bytes(32),
        "alert": ctrl(ct=21) + b"\x01\x00",
        "type0": ctrl(ct=0) + b"x",
        "padded": ctrl(pad=300) + b"padded content",
        "pad_big": ctrl(pad=0x3fff) + b"y" * 10,
        "room_short": ctrl(room=2) + b"short of room by one",
        "room_exact": ctrl(room=0) + bytes(range(256)),
        "room_plus": ctrl(room=1, mask=0x80) + b"z" * 64,
        "limit_64": ctrl(limit=1) + b"a" * 62,
        "limit_64_over": ctrl(limit=1) + b"a" * 64,
        "limit_1k": ctrl(limit=16, room=3) + b"b" * 900,
        "seq_wrap": ctrl(seq=0xf0) + b"last record",
        "seq_wrap_1": ctrl(seq=0xf1) + b"one before the last",
        "seq_mid": ctrl(seq=0x7f) + b"seq 127",
        "long": ctrl(seed=0x1234) + bytes((i * 7) & 0xff for i in range(3000)),
        "rec_like": ctrl() + record(bytes(40)),
        "rec_short_tag": ctrl() + record(bytes(10)),
        "rec_bad_len": ctrl() + b"\x17\x03\x03\x00\x30" + bytes(20),
        "rec_huge": ctrl() + b"\x17\x03\x03\x41\x01" + bytes(64),
        "rec_hs_type": ctrl() + b"\x16\x03\x03\x00\x20" + bytes(32),
        "trailing_zeros": ctrl(ct=22) + b"\x01\x02" + bytes(50),
    }
    for name, data in s.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
    print("%d seeds" % len(s))


if __name__ == "__main__":
    main()
