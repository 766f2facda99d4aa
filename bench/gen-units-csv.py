#!/usr/bin/env python3
"""Write N rows of a market-supervision style unit CSV to stdout (for
bench/registry.sh): valid Dongguan USCCs whose organisation codes start
with "MB" (the demo city's start with "MA" or a digit, so the two never
collide), towns by name, a legal representative, registration dates.
Deterministic: row i is always the same."""
import sys

SET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
UW = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
OW = [3, 7, 9, 10, 5, 8, 4, 2]
TOWNS = ["东城街道", "南城街道", "万江街道", "莞城街道", "石碣镇", "石龙镇", "茶山镇",
         "石排镇", "企石镇", "横沥镇", "桥头镇", "谢岗镇", "东坑镇", "常平镇", "寮步镇",
         "樟木头镇", "大朗镇", "黄江镇", "清溪镇", "塘厦镇", "凤岗镇", "大岭山镇", "长安镇",
         "虎门镇", "厚街镇", "沙田镇", "道滘镇", "洪梅镇", "麻涌镇", "望牛墩镇", "中堂镇",
         "高埗镇", "松山湖"]
SURN = "陈李黄张梁刘林叶何王罗周吴郑谢钟邓曾莫杨"
GIVEN = "伟强敏丽军杰华明辉芳燕娟健斌勇俊峰静婷霞"
TRADE = ["五金制品", "塑胶制品", "电子科技", "服装", "鞋业", "玩具", "家具", "模具", "印刷", "电器"]
ROAD = ["人民路", "振兴路", "建设路", "工业路", "创业路", "莞太路", "东莞大道", "八一路"]


def val(c):
    return ord(c) - ord("0") if c.isdigit() else ord(c) - ord("A") + 10


def uscc(i):
    v = (i * 387420489 + 12345) % (31 ** 6)
    body = "MB"
    tail = ""
    for _ in range(6):
        tail = SET[v % 31] + tail
        v //= 31
    body += tail
    c = 11 - sum(val(body[k]) * OW[k] for k in range(8)) % 11
    org = body + ("X" if c == 10 else "0" if c == 11 else str(c))
    code = "91441900" + org
    c = 31 - sum(SET.index(code[k]) * UW[k] for k in range(17)) % 31
    return code + SET[0 if c == 31 else c]


def main():
    n = int(sys.argv[1])
    out = sys.stdout
    out.write("单位名称,统一社会信用代码,法定代表人,住所,经营场所,镇街,行业,成立日期\r\n")
    buf = []
    for i in range(n):
        t = TOWNS[i % len(TOWNS)]
        name = f"东莞市{SURN[i % 20]}{GIVEN[(i // 20) % 20]}{TRADE[i % 10]}有限公司{i}"
        addr = f"东莞市{t}{ROAD[i % 8]}{i % 997 + 1}号"
        who = SURN[(i * 7) % 20] + GIVEN[(i * 3) % 20]
        date = f"{2000 + i % 24}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        buf.append(f"{name},{uscc(i)},{who},{addr},{addr},{t},C{30 + i % 10},{date}\r\n")
        if len(buf) == 10000:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))


main()
