#!/usr/bin/env python3
"""The filesystem test matrix, in the manner of GRUB's grub-fs-tester.

    matrix.py MAPBOOT WORKDIR

One tree is generated (deep directories; long, Unicode and mixed-case names;
a 0-byte file; a file of exactly 4 KiB; a 3 MiB random file; 2000 files in
one directory) and written into an image of every filesystem mapboot reads,
with the real mkfs tools. Where a filesystem holds them cheaply, the tree
also has a symlink to a directory (ext, ISO9660 Rock Ridge) and a 5 GiB
sparse file (ext); fragmented files are made per filesystem in NAME.sh,
since each tool fragments differently. The host shell then lists every directory and cats
every file of each image in one run, and the listings and sha256 of the
contents are compared with the tree. Prints PASS/FAIL lines.
"""
import hashlib, os, random, shutil, subprocess, sys

mapboot, work = sys.argv[1], sys.argv[2]
tree = os.path.join(work, 'tree')
links_tree = os.path.join(work, 'tree-links')  # tree plus links/
extra_tree = os.path.join(work, 'tree-extra')  # tree plus links/ and sparse/
SPARSE_SIZE = 5 << 30
SPARSE_MARKS = {0: b'START!', 4 << 30: b'MIDDLE', SPARSE_SIZE - 6: b'ENDEND'}
env = dict(os.environ, MTOOLS_SKIP_CHECK='1')


def make_tree():
    rnd = random.Random(1234)
    shutil.rmtree(tree, ignore_errors=True)
    files = {}

    def put(rel, data):
        path = os.path.join(tree, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(data)
        files[rel] = data

    deep = '/'.join('level%d' % i for i in range(1, 11))
    put(deep + '/deep.txt', b'at the bottom\n')
    # 100 characters: Joliet (with -joliet-long) stops at 103
    put('Long Names/' + 'This file name is long, with blanks, and has one hundred'
        ' characters that no 8.3 short name can hold.txt', b'long\n')
    put('unicode/Grüße aus Köln.txt', 'Grüße\n'.encode())
    put('unicode/日本語のファイル.txt', '日本語\n'.encode())
    put('unicode/Ελληνικά.txt', b'greek\n')
    put('Mixed/CaseFile.TXT', b'Mixed case\n')
    put('empty.bin', b'')
    put('one4k.bin', bytes(rnd.getrandbits(8) for _ in range(4096)))
    put('random.bin', rnd.randbytes(3 << 20))
    for i in range(2000):
        put('many/file%04d.txt' % i, b'file %d\n' % i)
    shutil.rmtree(links_tree, ignore_errors=True)
    shutil.copytree(tree, links_tree)
    os.makedirs(os.path.join(links_tree, 'links'))
    os.symlink('../level1/level2', os.path.join(links_tree, 'links', 'to_level2'))
    shutil.rmtree(extra_tree, ignore_errors=True)
    shutil.copytree(links_tree, extra_tree, symlinks=True)
    os.makedirs(os.path.join(extra_tree, 'sparse'))
    with open(os.path.join(extra_tree, 'sparse', 'big5g.bin'), 'wb') as f:
        for off, mark in SPARSE_MARKS.items():
            f.seek(off)
            f.write(mark)
    return files


def run(cmd):
    return subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=True)


def mb_quote(path):
    return '"' + path + '"'


# ---- image builders: (name, function(img) -> mapboot disk arguments) ----
def fat(bits):
    def build(img, src):
        size_mb = 48 if bits == 32 else 32
        run(['mkfs.fat', '-C', '-F', str(bits), '-n', 'MATRIX', img, str(size_mb * 1024)])
        entries = [os.path.join(src, e) for e in sorted(os.listdir(src))]
        run(['mcopy', '-s', '-i', img] + entries + ['::/'])
        return ['--hd', img]
    return build


def iso(img, src):
    run(['xorriso', '-as', 'mkisofs', '-quiet', '-J', '-joliet-long', '-R', '-V', 'MATRIX',
         '-o', img, src])
    return ['--cd', img]


def ext(kind, block):
    def build(img, src):
        run(['mke2fs', '-q', '-F', '-t', kind, '-b', str(block), '-L', 'MATRIX', '-d', src,
             img, '64M'])
        return ['--hd', img]
    return build


def copy_tree_into(src, mnt):
    for e in os.listdir(src):
        path = os.path.join(src, e)
        if os.path.isdir(path):
            shutil.copytree(path, os.path.join(mnt, e))
        else:
            shutil.copy(path, mnt)


def exfat(img, src):
    # mkfs.exfat makes it; exfat-fuse fills it, which needs a block device: a loop device
    mnt = os.path.join(work, 'exfat-mnt')
    os.makedirs(mnt, exist_ok=True)
    run(['truncate', '-s', '64M', img])
    run(['mkfs.exfat', '-L', 'MATRIX', img])
    loop = subprocess.run(['losetup', '-f', '--show', img], stdout=subprocess.PIPE,
                          check=True).stdout.decode().strip()
    try:
        run(['mount.exfat-fuse', loop, mnt])
        try:
            copy_tree_into(src, mnt)
        finally:
            run(['umount', mnt])
    finally:
        run(['losetup', '-d', loop])
    return ['--hd', img]


def ntfs(img, src):
    # mkntfs makes the volume, ntfs-3g (FUSE) fills it
    mnt = os.path.join(work, 'ntfs-mnt')
    os.makedirs(mnt, exist_ok=True)
    run(['truncate', '-s', '128M', img])
    run(['mkntfs', '-F', '-f', '-q', '-L', 'MATRIX', img])
    run(['ntfs-3g', img, mnt])
    try:
        copy_tree_into(src, mnt)
    finally:
        run(['umount', mnt])
    return ['--hd', img]


def udf(img, src):
    # a UDF 1.02 bridge disc: udf.c is probed before iso9660 and must win
    run(['genisoimage', '-quiet', '-input-charset', 'utf-8', '-udf', '-D', '-J', '-joliet-long',
         '-V', 'MATRIX', '-o', img, src])
    return ['--cd', img]


# what a filesystem gets beyond the common tree: a symlink, a 5 GiB sparse file
EXTRAS = {'iso9660': {'symlink'}, 'ext2': {'symlink', 'sparse'}, 'ext3': {'symlink', 'sparse'},
          'ext4': {'symlink', 'sparse'}}
# names in the root beyond the common tree (the extras' folders, ext's lost+found)
EXTRA_ROOT = {'iso9660': {'links/'}}
for _k in ('ext2', 'ext3', 'ext4'):
    EXTRA_ROOT[_k] = {'lost+found/', 'links/', 'sparse/'}

BUILDERS = [('fat16', fat(16)), ('fat32', fat(32)), ('iso9660', iso),
            ('ext2', ext('ext2', 1024)), ('ext3', ext('ext3', 4096)), ('ext4', ext('ext4', 4096)),
            ('exfat', exfat), ('ntfs', ntfs), ('udf', udf)]


def check_image(name, args, files):
    alldirs = set()
    for p in files:
        d = os.path.dirname(p)
        while d:
            alldirs.add(d)
            d = os.path.dirname(d)
    alldirs.add('')
    dev = '(cd0)' if args[0] == '--cd' else '(hd0)'
    script = ['!BAT']
    order = []
    for d in sorted(alldirs):
        script.append('echo ==D /%s' % d)
        script.append('ls %s' % mb_quote('%s/%s/' % (dev, d) if d else dev + '/'))
        order.append(('D', d))
    for p in sorted(files):
        script.append('echo ==F /%s' % p)
        script.append('cat %s' % mb_quote('%s/%s' % (dev, p)))
        order.append(('F', p))
    script.append('echo ==END')
    bat = os.path.join(work, name + '.bat')
    with open(bat, 'w', encoding='utf-8') as f:
        f.write('\n'.join(script) + '\n')
    out = subprocess.run([mapboot] + args + [bat], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, timeout=600).stdout
    pos, bad = 0, []
    for kind, what in order:
        marker = ('==%s /%s\n' % (kind, what)).encode()
        if not out.startswith(marker, pos):
            bad.append('%s %s: output out of step at byte %d: %r' % (kind, what, pos,
                                                                 out[pos:pos + 200]))
            break
        pos += len(marker)
        if kind == 'F':
            data = out[pos:pos + len(files[what])]
            pos += len(files[what])
            if hashlib.sha256(data).digest() != hashlib.sha256(files[what]).digest():
                bad.append('file %s: contents differ' % what)
        else:
            end = out.find(b'\n==', pos - 1)
            line = out[pos:end].decode('utf-8', 'replace')
            pos = end + 1
            got = set(n.replace('\\ ', ' ').replace('\\\\', '\\')
                      for n in line.replace('\\ ', '\0').split('  ') if n.strip())
            got = set(n.replace('\0', ' ').strip() for n in got)
            want = set()
            for p in files:
                if os.path.dirname(p) == what:
                    want.add(os.path.basename(p))
            for d in alldirs:
                if d and os.path.dirname(d) == what:
                    want.add(os.path.basename(d) + '/')
            if what == '':
                got -= EXTRA_ROOT.get(name, set())
            if got != want:
                bad.append('dir /%s: listing differs: missing %s, extra %s' % (
                    what, sorted(want - got)[:5], sorted(got - want)[:5]))
    if not bad and not out.startswith(b'==END', pos):
        bad.append('no end marker: %r' % out[pos:pos + 300])
    # the filesystem that read it is the one it was made as (UDF bridge discs: udf, not iso9660)
    listing = subprocess.run([mapboot] + args + ['-c', 'ls'], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=60).stdout.decode('utf-8', 'replace')
    if '%s: %s' % (dev, name) not in listing:
        bad.append('mounted as something else: %r' % listing[:200])
    if bad:
        print('FAIL matrix_%s' % name)
        for b in bad[:10]:
            print('  ' + b)
    else:
        print('PASS matrix_%s: %d directories, %d files' % (name, len(alldirs), len(files)))


def check_extras(name, args):
    dev = '(cd0)' if args[0] == '--cd' else '(hd0)'
    extras = EXTRAS.get(name, set())
    checks = []
    if 'symlink' in extras:
        deep = '/'.join('level%d' % i for i in range(3, 11))
        checks.append(('symlink_dir_listed', 'ls %s/links/' % dev, 'to_level2/  \n'))
        checks.append(('symlink_followed', 'cat %s/links/to_level2/%s/deep.txt' % (dev, deep),
                       'at the bottom\n'))
    if 'sparse' in extras:
        f = '%s/sparse/big5g.bin' % dev
        checks.append(('sparse_size', 'ls %s' % f, '%s  %d\n' % (f, SPARSE_SIZE)))
        for off, mark in SPARSE_MARKS.items():
            checks.append(('sparse_mark_%d' % off, 'cat --skip=%d --length=6 %s' % (off, f),
                           mark.decode()))
        checks.append(('sparse_hole_zeros', 'cat --hex --skip=%d --length=16 %s' % (3 << 30, f),
                       'C0000000: 00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  '
                       '................\n'))
    for what, cmd, want in checks:
        got = subprocess.run([mapboot] + args + ['-c', cmd], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=120).stdout.decode('utf-8', 'replace')
        if got == want:
            print('PASS matrix_%s_%s' % (name, what))
        else:
            print('FAIL matrix_%s_%s\n  got:  %r\n  want: %r' % (name, what, got[:300], want))


def main():
    files = make_tree()
    only = os.environ.get('MATRIX_ONLY', '').split()
    for name, build in BUILDERS:
        if only and name not in only:
            continue
        img = os.path.join(work, name + '.img')
        try:
            extras = EXTRAS.get(name, set())
            src = extra_tree if 'sparse' in extras else links_tree if extras else tree
            args = build(img, src)
        except subprocess.CalledProcessError as e:
            err = e.stderr.decode()[-500:] if e.stderr else ''
            print('FAIL matrix_%s: building the image failed: %s %s' % (name, e.cmd, err))
            continue
        check_image(name, args, files)
        check_extras(name, args)
        os.unlink(img)


main()
