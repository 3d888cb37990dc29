"""Writes tests/email/samples/*.eml: raw bytes shaped the way each Chinese client really sends them.

Run once (`python tests/email/make_samples.py`); the .eml files are committed, this records how.
"""

from __future__ import annotations

import base64
import quopri
from pathlib import Path

HERE = Path(__file__).resolve().parent / "samples"


def b64(text: str, charset: str) -> str:
    """An RFC 2047 B encoded-word."""
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset if charset != 'gb2312' else 'gbk')).decode()}?="


def body64(text: str, codec: str) -> bytes:
    """Base64 body lines of 76 characters."""
    data = base64.b64encode(text.replace("\n", "\r\n").encode(codec)).decode()
    return "\r\n".join(data[i : i + 76] for i in range(0, len(data), 76)).encode()


def head(lines: list[str]) -> bytes:
    """Header block with CRLF line ends."""
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


SAMPLES: dict[str, bytes] = {}

# QQ Mail: GB18030 base64, multipart/alternative, quote under ------------------ 原始邮件 ------------------
qq_text = "秘书处您好：\n我司在海关清关时被无故扣货，已经两周，请商会帮忙协调。\n\n谢谢！\n\n------------------ 原始邮件 ------------------\n发件人: \"商会秘书处\"<desk@chamber.test>;\n发送时间: 2026年11月20日(星期五) 上午10:00\n收件人: \"李明\"<liming@qq.com>;\n主题: [T-2026-000123] 已收到您的诉求\n\n您的诉求已登记。\n"
qq_html = "<div>秘书处您好：</div><div>我司在海关清关时被无故扣货，已经两周，请商会帮忙协调。</div><div><br></div><div>谢谢！</div><div><br></div><div style=\"font-size: 12px;\">------------------&nbsp;原始邮件&nbsp;------------------</div><div>发件人: \"商会秘书处\"&lt;desk@chamber.test&gt;;</div><div>发送时间: 2026年11月20日(星期五) 上午10:00</div><blockquote>您的诉求已登记。</blockquote>"
SAMPLES["qq-gb18030-reply.eml"] = head([
    f"From: \"{b64('李明', 'gb18030')}\" <liming@qq.com>",
    "To: \"desk\" <desk@chamber.test>",
    f"Subject: {b64('回复：[T-2026-000123] 已收到您的诉求', 'gb18030')}",
    "Date: Fri, 20 Nov 2026 10:30:00 +0800",
    "Message-ID: <tencent_1A2B3C@qq.com>",
    "In-Reply-To: <receipt-123@chamber.test>",
    "References: <first-123@qq.com> <receipt-123@chamber.test>",
    "X-Mailer: QQMail 2.x",
    "Mime-Version: 1.0",
    "Content-Type: multipart/alternative; boundary=\"----=_NextPart_QQ\"",
]) + b"------=_NextPart_QQ\r\nContent-Type: text/plain; charset=\"gb18030\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body64(qq_text, "gb18030") + b"\r\n\r\n------=_NextPart_QQ\r\nContent-Type: text/html; charset=\"gb18030\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body64(qq_html, "gb18030") + b"\r\n\r\n------=_NextPart_QQ--\r\n"

# 163: GBK quoted-printable, labelled GBK, quote under 在 … 写道：
text163 = "您好，我们公司的出口退税已经拖了三个月，税务局一直说在审核。\n请问商会能否出面了解情况？\n\n在 2026-11-20 10:00:00，\"商会秘书处\" <desk@chamber.test> 写道：\n>您的诉求已登记，编号 T-2026-000124。\n"
SAMPLES["163-gbk-qp.eml"] = head([
    "From: \"=?GBK?B?" + base64.b64encode("王芳".encode("gbk")).decode() + "?=\" <wangfang@163.com>",
    "To: desk@chamber.test",
    "Subject: =?GBK?B?" + base64.b64encode("Re:[T-2026-000124] 出口退税迟迟未到".encode("gbk")).decode() + "?=",
    "Date: Fri, 20 Nov 2026 11:00:00 +0800 (CST)",
    "Message-ID: <5f3a2b.1234.18c0@163.com>",
    "X-Mailer: Coremail Webmail Server Version XT5.0.13",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=GBK",
    "Content-Transfer-Encoding: quoted-printable",
]) + quopri.encodestring(text163.replace("\n", "\r\n").encode("gbk"))

# Foxmail: GB2312 label on GBK bytes (镕, 喆 are outside GB2312), RFC 2231 Chinese attachment name
fox_text = "附件是朱镕基路店铺被强拆的照片，请陶喆经理跟进。\n\n--\n陶喆\n深圳市某某贸易有限公司"
pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
name2231 = "".join(f"%{b:02X}" for b in "强拆现场照片说明.pdf".encode())
SAMPLES["foxmail-gb2312-label-gbk-bytes.eml"] = head([
    f"From: \"{b64('陶喆', 'gb2312')}\" <taozhe@foxmail.com>",
    "To: \"desk\" <desk@chamber.test>",
    f"Subject: {b64('朱镕基路店铺被强拆', 'gb2312')}",
    "Date: Sat, 21 Nov 2026 09:12:00 +0800",
    "Message-ID: <202611210912003312345@foxmail.com>",
    "X-Mailer: Foxmail 7.2.25.228[cn]",
    "Mime-Version: 1.0",
    "Content-Type: multipart/mixed; boundary=\"----=_001_NextPart_FOX\"",
]) + b"------=_001_NextPart_FOX\r\nContent-Type: text/plain; charset=\"gb2312\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body64(fox_text, "gbk") + (
    "\r\n\r\n------=_001_NextPart_FOX\r\nContent-Type: application/octet-stream;\r\n\tname*=utf-8''" + name2231 + "\r\n"
    "Content-Disposition: attachment;\r\n\tfilename*=utf-8''" + name2231 + "\r\nContent-Transfer-Encoding: base64\r\n\r\n"
).encode() + base64.b64encode(pdf) + b"\r\n\r\n------=_001_NextPart_FOX--\r\n"

# Outlook (Chinese UI): 发件人/发送时间 block, inline image by Content-ID, winmail.dat
outlook_text = "各位好，\n\n园区物业今年第三次上调管理费，未经业主大会表决。附上通知扫描件。\n\n张伟\n\n发件人: 商会秘书处 <desk@chamber.test>\n发送时间: 2026年11月19日 16:20\n收件人: 张伟 <zhangwei@contoso.cn>\n主题: 已收到\n\n旧的内容"
png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
tnef = b"\x78\x9f\x3e\x22" + b"\x00" * 32
SAMPLES["outlook-zh-winmail.eml"] = head([
    "From: =?gb2312?B?" + base64.b64encode("张伟".encode("gbk")).decode() + "?= <zhangwei@contoso.cn>",
    "To: \"=?gb2312?B?" + base64.b64encode("商会秘书处".encode("gbk")).decode() + "?=\" <desk@chamber.test>",
    "Subject: =?gb2312?B?" + base64.b64encode("答复: 物业管理费上调".encode("gbk")).decode() + "?=",
    "Thread-Topic: =?gb2312?B?" + base64.b64encode("物业管理费上调".encode("gbk")).decode() + "?=",
    "Date: Thu, 19 Nov 2026 08:30:00 +0000",
    "Message-ID: <HK0PR01MB1234ABCD@HK0PR01MB1234.apcprd01.prod.exchangelabs.com>",
    "Accept-Language: zh-CN, en-US",
    "Content-Language: zh-CN",
    "MIME-Version: 1.0",
    "Content-Type: multipart/mixed; boundary=\"_004_HK0PR01_\"",
]) + b"--_004_HK0PR01_\r\nContent-Type: multipart/related; boundary=\"_003_HK0PR01_\"\r\n\r\n--_003_HK0PR01_\r\nContent-Type: text/plain; charset=\"gb2312\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body64(outlook_text, "gbk") + (
    b"\r\n\r\n--_003_HK0PR01_\r\nContent-Type: image/png; name=\"image001.png\"\r\nContent-ID: <image001.png@01DB3A>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
) + base64.b64encode(png) + b"\r\n\r\n--_003_HK0PR01_--\r\n\r\n--_004_HK0PR01_\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Disposition: attachment; filename=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(tnef) + b"\r\n\r\n--_004_HK0PR01_--\r\n"

# Big5 from Taiwan (Outlook/Yahoo TW): Big5 base64 words and body
SAMPLES["big5-taiwan.eml"] = head([
    f"From: {b64('陳志明', 'big5')} <chen@yahoo.com.tw>",
    "To: desk@chamber.test",
    f"Subject: {b64('台商投資糾紛請求協助', 'big5')}",
    "Date: Mon, 23 Nov 2026 14:00:00 +0800",
    "Message-ID: <big5-0001@yahoo.com.tw>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=big5",
    "Content-Transfer-Encoding: base64",
]) + body64("您好：\n本公司在昆山的投資款遭合作方挪用，懇請商會協助調解。\n\n陳志明 敬上", "big5")

# HZ (RFC 1843): 7-bit, old gateways still emit it
SAMPLES["hz-gb-2312.eml"] = head([
    "From: zhao@sina.com",
    "To: desk@chamber.test",
    "Subject: =?HZ-GB-2312?Q?" + "货款被拖欠".encode("hz").decode("ascii").replace("?", "=3F").replace(" ", "_") + "?=",
    "Date: Mon, 23 Nov 2026 15:00:00 +0800",
    "Message-ID: <hz-0001@sina.com>",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=HZ-GB-2312",
    "Content-Transfer-Encoding: 7bit",
]) + "您好，货款被拖欠半年。".encode("hz") + b"\r\n"

# Raw 8-bit GBK headers, no encoded-words, no declared charset anywhere
SAMPLES["raw-8bit-gbk-headers.eml"] = (
    "From: 刘洋 <liuyang@126.com>\r\nTo: desk@chamber.test\r\nSubject: 关于园区用电限额的投诉\r\n"
    "Date: Tue, 24 Nov 2026 09:00:00 +0800\r\nMessage-ID: <raw8bit-0001@126.com>\r\n\r\n"
    "园区每周拉闸限电三天，生产线无法运转。\r\n"
).encode("gbk")

# HTML-only (mobile webmail): script and style must vanish, lines kept
html_only = "<html><head><style>p{color:red}</style><script>alert('x')</script></head><body><p>我们的商标被抢注了。</p><p>请问商会&nbsp;能否提供法律援助？</p><br><div>孙丽</div></body></html>"
SAMPLES["html-only.eml"] = head([
    "From: sunli@sohu.com", "To: desk@chamber.test", "Subject: =?UTF-8?B?" + base64.b64encode("商标被抢注".encode()).decode() + "?=",
    "Date: Tue, 24 Nov 2026 10:00:00 +0800", "Message-ID: <html-only-0001@sohu.com>", "MIME-Version: 1.0",
    "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64",
]) + body64(html_only, "utf-8")

# QQ out-of-office: 自动回复 subject, no RFC 3834 header (QQ sends none)
SAMPLES["qq-autoreply.eml"] = head([
    f"From: \"{b64('李明', 'gb18030')}\" <liming@qq.com>", "To: desk@chamber.test",
    f"Subject: {b64('自动回复: [T-2026-000123] 已收到您的诉求', 'gb18030')}",
    "Date: Fri, 20 Nov 2026 10:01:00 +0800", "Message-ID: <tencent_auto_9@qq.com>", "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=gb18030", "Content-Transfer-Encoding: base64",
]) + body64("您好，我正在休假，11月30日返回。", "gb18030")

# 163 bounce: 系统退信 from postmaster
SAMPLES["163-bounce.eml"] = head([
    "From: postmaster@163.com", "To: desk@chamber.test",
    f"Subject: {b64('系统退信', 'gbk')}",
    "Date: Fri, 20 Nov 2026 10:05:00 +0800", "Message-ID: <bounce-0001@163.com>", "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=GBK", "Content-Transfer-Encoding: base64",
]) + body64("很抱歉，您发送的邮件被退回。收件人地址不存在。", "gbk")

# Gmail (Chinese UI) forward with an attached message/rfc822 and 于…写道 quote
inner = head([
    "From: =?UTF-8?B?" + base64.b64encode("海关 通知".encode()).decode() + "?= <notice@customs.example>",
    "Subject: =?UTF-8?B?" + base64.b64encode("扣货通知书".encode()).decode() + "?=",
    "Date: Wed, 18 Nov 2026 09:00:00 +0800", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
]) + "贵司货物因单证不符被暂扣。".encode() + b"\r\n"
gmail_text = "请看海关的通知。\n\n周五 <zhou@gmail.com> 于2026年11月20日周五 10:00写道：\n> 旧内容\n"
SAMPLES["gmail-forward-rfc822.eml"] = head([
    "From: =?UTF-8?B?" + base64.b64encode("周五".encode()).decode() + "?= <zhou@gmail.com>", "To: desk@chamber.test",
    "Subject: =?UTF-8?B?" + base64.b64encode("Fwd: 扣货通知书".encode()).decode() + "?=",
    "Date: Fri, 20 Nov 2026 12:00:00 +0800", "Message-ID: <CAGmail0001@mail.gmail.com>", "MIME-Version: 1.0",
    "Content-Type: multipart/mixed; boundary=\"000000000000abc\"",
]) + b"--000000000000abc\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body64(gmail_text, "utf-8") + b"\r\n--000000000000abc\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n" + inner + b"\r\n--000000000000abc--\r\n"

# iPhone Mail in Chinese: 发自我的iPhone tagline, no Message-ID (dedupe by content hash)
SAMPLES["iphone-no-message-id.eml"] = head([
    "From: =?utf-8?B?" + base64.b64encode("黄磊".encode()).decode() + "?= <huanglei@icloud.com>", "To: desk@chamber.test",
    "Subject: =?utf-8?B?" + base64.b64encode("展会摊位费退款".encode()).decode() + "?=",
    "Date: Wed, 25 Nov 2026 08:00:00 +0800", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
    "Mime-Version: 1.0 (1.0)",
]) + "展会取消了，但摊位费一直不退。\r\n\r\n发自我的iPhone\r\n".encode()

if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    for name, data in SAMPLES.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(SAMPLES)} samples to {HERE}")
