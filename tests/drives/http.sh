# Files over HTTP (fs/http.c, src/http.c) from a real server: Debian's nginx,
# started here on 127.0.0.1 with its own config (tests/net/nginx), read by the
# host shell over real sockets. cat, map --mem of a .gz and in place
# (compared byte for byte), what nginx's log says was asked (only 206
# answers; in place, less than the whole file), redirects, a server without
# Range, 404, a dead port, a directory listing.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")/.." && pwd)
www=$WORK/www
mkdir -p "$www"
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 31 + i // 997) & 255 for i in range(3 * 1048576 + 123)))' >"$www/disk.img"
gzip -n -c "$www/disk.img" >"$www/disk.img.gz"
printf 'echo menu over http\n' >"$www/menu.lst"
mkdir -p "$www/中文"
printf 'utf-8 path\n' >"$www/中文/名字.txt"
port=$("$here/net/nginx" start "$WORK/nginx" "$www") || { echo "FAIL http: nginx did not start"; exit 0; }
trap '"$here/net/nginx" stop "$WORK/nginx"' EXIT
srv="(http,127.0.0.1:$port)"
want=$(sha256sum "$www/disk.img" | cut -d' ' -f1)
log=$WORK/nginx/access.log

check "http cat a small file" "$(mb -c "cat $srv/menu.lst")" "echo menu over http"
check "http cat a UTF-8 path (percent-encoded)" "$(mb -c "cat $srv/中文/名字.txt")" "utf-8 path"
check "http cat a 3 MiB file whole" "$(mb -c "cat $srv/disk.img" | sha256sum | cut -d' ' -f1)" "$want"

: >"$log"
got=$(mb --ram 64M -c "map --mem $srv/disk.img.gz (hd)
cat (hd0)+6145" | sha256sum | cut -d' ' -f1)
# (hd0)+6145 is the image rounded up to whole sectors: compare the image's own bytes
pad=$(python3 -c "import sys,hashlib; d=open('$www/disk.img','rb').read(); print(hashlib.sha256(d + bytes(6145*512 - len(d))).hexdigest())")
check "http map --mem of a .gz: every byte" "$got" "$pad"
check "http map --mem: nginx answered only 206" "$(awk '$3 != 206' "$log")" ""

: >"$log"
out=$(mb -c "map $srv/disk.img (hd)
map --status
cat --skip=3145700 --length=23 --hex (hd0)+6145")
check_grep "http map in place is read-only" "$out" '^\(hd0\) .* read-only in-place hooked, \(http,127\.0\.0\.1:[0-9]+\)/disk\.img$'
last=$(python3 -c "d=open('$www/disk.img','rb').read(); print(' '.join('%02X' % b for b in d[3145700:3145708]))")
check_grep "http map in place: the last bytes" "$out" "^002FFFE4: ${last}"
sent=$(awk '{ s += $4 } END { print s + 0 }' "$log")
check "http map in place: nginx answered only 206" "$(awk '$3 != 206' "$log")" ""
if [ "$sent" -lt 1048576 ]; then echo "PASS http map in place sent $sent bytes, not the whole file"
else echo "FAIL http map in place sent $sent bytes"; fi
out=$(mb -c "map --fake-write $srv/disk.img (hd)
write (hd0)+1 changed
cat --length=7 (hd0)+1")
check "http map --fake-write writes to the overlay" "$out" "changed"

check "http find a named file with the server as the root" "$(mb -c "root $srv
find /menu.lst")" "$srv"
check "http redirect" "$(mb -c "cat $srv/redirect/menu.lst")" "echo menu over http"
check "http server without Range (a small file, read whole)" "$(mb -c "cat $srv/norange/menu.lst")" "echo menu over http"
check_fails "http 404" "^Error: cat: \(http,127\.0\.0\.1:$port\)/nosuch: not found \(HTTP 404\)$" mb -c "cat $srv/nosuch"
check_fails "http redirect loop" "more than 5 redirects" mb -c "cat $srv/loop"
check "http server without Range: a 3 MiB file is read whole, once" \
    "$(: >"$log"; mb -c "cat $srv/norange/disk.img" | sha256sum | cut -d' ' -f1) $(grep -c . "$log")" "$want 1"
dead=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
check_fails "http dead port" "^Error: cat: \(http,127\.0\.0\.1:$dead\)/x: cannot reach the server: connection refused$" mb -c "cat (http,127.0.0.1:$dead)/x"
check_fails "http no listing" "HTTP has no directory listings" mb -c "ls $srv/"
check_fails "http names need DNS" "give the server as an IPv4 address" mb -c "cat (http,example.com)/x"
