"""Shared parts of the QEMU+OVMF benchmarks in tests/bench (run, map).

The benchmarks build a GPT disk holding one FAT32 partition with a few files
written onto a fresh filesystem (so each file is contiguous), boot mapboot
from an ESP made by tests/qemu/mkesp with a generated menu.lst, and read the
timings mapboot echoes on the serial console. Nothing here asserts: errors
that keep a benchmark from running end it with exit status 2 (die).
"""

import os
import re
import select
import shutil
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MKESP = os.path.join(HERE, "..", "qemu", "mkesp")
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
PART_START = 2048  # the partition's first sector on the disk
TIMEOUT = 900      # seconds for a whole QEMU run, unless a benchmark says otherwise
TOOLS = ("qemu-system-x86_64", "mformat", "mcopy", "mkfs.fat", "sfdisk")


def prog():
    return "tests/bench/" + os.path.basename(sys.argv[0])


def die(msg):
    print(prog() + ": " + msg, file=sys.stderr)
    sys.exit(2)


def run(cmd, **kw):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)
    if res.returncode != 0:
        die("%s failed: %s" % (cmd[0], res.stdout.decode("utf-8", "replace").strip()))
    return res.stdout


def tool_env():
    """The environment for mtools and the /usr/sbin tools."""
    return dict(os.environ, MTOOLS_SKIP_CHECK="1", PATH=os.environ.get("PATH", "") + ":/usr/sbin")


def check_tools(tools=TOOLS):
    for tool in tools:
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            die("%s is missing (make deps)" % tool)


def work_dir(build, name="bench-work"):
    """A fresh work directory under the build directory."""
    work = os.path.join(os.path.abspath(build), name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    return work


def random_file(path, mib):
    """MIB MiB of random bytes, so nothing along the way can shortcut a read."""
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(os.urandom(1 << 20))


def file_extent(part, name):
    """(first sector, sectors, bytes) of the file `name` in the root of the
    FAT32 image `part`, insisting that its clusters are contiguous."""
    with open(part, "rb") as f:
        bs = f.read(512)
        bps, spc, reserved, nfats = struct.unpack_from("<HBHB", bs, 11)
        fatsz = struct.unpack_from("<I", bs, 36)[0]
        root = struct.unpack_from("<I", bs, 44)[0]
        data = reserved + nfats * fatsz
        if bps != 512 or not spc or not fatsz:
            die("%s: not a FAT32 layout this script reads" % part)

        def fat(c):
            f.seek(reserved * 512 + 4 * c)
            return struct.unpack("<I", f.read(4))[0] & 0x0FFFFFFF

        def sector(c):
            return data + (c - 2) * spc

        base, _, ext = name.upper().partition(".")
        want = (base.ljust(8) + ext.ljust(3)).encode()
        clus, seen = root, 0
        while clus < 0x0FFFFFF8 and seen < 1024:
            f.seek(sector(clus) * 512)
            block = f.read(spc * 512)
            for off in range(0, len(block), 32):
                ent = block[off:off + 32]
                if ent[0] == 0:
                    break
                if ent[:11] == want and not ent[11] & 0x18:
                    first = struct.unpack_from("<H", ent, 20)[0] << 16 | \
                        struct.unpack_from("<H", ent, 26)[0]
                    size = struct.unpack_from("<I", ent, 28)[0]
                    per = spc * 512
                    n = (size + per - 1) // per
                    for i in range(n - 1):
                        if fat(first + i) != first + i + 1:
                            die("%s is fragmented at cluster %d" % (name, first + i))
                    return sector(first), (size + 511) // 512, size
            clus = fat(clus)
            seen += 1
    die("%s: no %s in the root directory" % (part, name))


def fat32_disk(work, files, data_mib, env, extents=()):
    """WORK/disk.img: a GPT disk with one FAT32 partition at PART_START holding
    `files`, a list of (host path, name in the root), copied in that order
    onto the fresh filesystem. data_mib is the room they need, in MiB (48 MiB
    more go to the FAT and slack). Returns {name: (start, count, bytes)} for
    the names in `extents`, sectors counted from the partition's start."""
    part = os.path.join(work, "part.img")
    part_sectors = (data_mib + 48) * 2048
    with open(part, "wb") as f:
        f.truncate(part_sectors * 512)
    run(["mkfs.fat", "-F", "32", "-n", "BENCH", part], env=env)
    for path, name in files:
        run(["mcopy", "-i", part, path, "::/" + name], env=env)
    found = {name: file_extent(part, name) for name in extents}

    disk = os.path.join(work, "disk.img")
    with open(disk, "wb") as f:
        f.truncate((PART_START + part_sectors + 2048) * 512)
    run(["sfdisk", "-q", disk], input=("label: gpt\nstart=%d, size=%d, type=L\n"
                                       % (PART_START, part_sectors)).encode(), env=env)
    run(["dd", "if=" + part, "of=" + disk, "bs=1M", "seek=%d" % (PART_START * 512),
         "oflag=seek_bytes", "conv=notrunc,sparse", "status=none"])
    os.unlink(part)
    return disk, found


def make_esp(work, efi, menu, env):
    """WORK/esp.img holding EFI (as \\EFI\\BOOT\\BOOTX64.EFI) and MENU."""
    esp = os.path.join(work, "esp.img")
    run([MKESP, esp, efi, menu], env=env)
    return esp


def qemu_cmd(work, esp, disk, device="virtio", mem_mib=512, vga=True):
    """QEMU (q35, TCG, serial on stdio) booting OVMF with the ESP on AHCI
    port 0 and `disk` on virtio-blk (where it is (hd0): a virtio disk sits in
    a lower PCI slot than the AHCI controller at 00:1f.2) or on AHCI port 1.
    With vga False there is no display adapter, so the firmware's console is
    the serial port alone (no graphics console drawing every character).
    Guest RAM is allocated up front (-mem-prealloc): otherwise the first
    write to each guest page costs a host page fault, which real RAM does
    not, and map --mem (writing fresh RAM) would pay for QEMU's laziness
    where a raw read (reusing one buffer) does not."""
    shutil.copyfile(OVMF_VARS, os.path.join(work, "vars.fd"))
    return ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-m", str(mem_mib),
            "-mem-prealloc",
            "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
            "-net", "none"] + ([] if vga else ["-vga", "none"]) + [
            "-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
            "-drive", "if=pflash,format=raw,file=" + os.path.join(work, "vars.fd"),
            "-drive", "if=none,id=esp,format=raw,file=" + esp,
            "-device", "ide-hd,drive=esp,bus=ide.0",
            "-drive", "if=none,id=bench,format=raw,file=" + disk,
            "-device", "ide-hd,drive=bench,bus=ide.1" if device == "ahci"
            else "virtio-blk-pci,drive=bench"]


def clean(raw):
    """Serial bytes as plain text: no ANSI sequences, no carriage returns."""
    text = re.sub(r"\x1b\[[0-9;?=]*[A-Za-z]", "", raw.decode("utf-8", "replace"))
    return text.replace("\r", "")


def run_qemu(cmd, work, timeout=TIMEOUT):
    """Run QEMU until it powers off, the time is up, or mapboot reports an
    error (it would then wait at its prompt for a key); returns the output."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=work)
    out = b""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or (b"Error:" in out and b"Press any key" in out):
            proc.kill()
            break
        ready, _, _ = select.select([proc.stdout], [], [], min(left, 1.0))
        if ready:
            data = os.read(proc.stdout.fileno(), 65536)
            if not data:
                break
            out += data
    proc.wait()
    proc.stdout.close()
    return out


def save_serial(work, raw):
    """The serial output as text, also kept in WORK/serial.txt."""
    text = clean(raw)
    with open(os.path.join(work, "serial.txt"), "w") as f:
        f.write(text)
    return text


def unfinished(work, text, lines=15):
    """Say that the run did not finish, with the serial output's last lines."""
    print("bench: the run did not finish; serial output in %s" % work, file=sys.stderr)
    for line in text.splitlines()[-lines:]:
        print("  | " + line, file=sys.stderr)
    return 1


def timings(text, kinds):
    """{kind: [ms, ...]} from the "bench: KIND T0 T1" lines that a menu echoes
    around each timed command with %@uptime_ms%."""
    runs = {k: [] for k in kinds}
    pat = r"^bench: (%s) ([0-9.]+) ([0-9.]+)\s*$" % "|".join(re.escape(k) for k in kinds)
    for m in re.finditer(pat, text, re.M):
        runs[m.group(1)].append(float(m.group(3)) - float(m.group(2)))
    return runs


def mib_per_s(nbytes, ms):
    return nbytes / float(1 << 20) / (ms / 1000.0) if ms > 0 else float("inf")
