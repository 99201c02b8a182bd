/*
 * The network (src/platform.h) over the firmware's own stack: the first
 * interface with TCP4, its address from DHCP through Ip4Config2, and TCP4
 * connections driven by polling.
 *
 * Polling, not events: every wait here calls the protocol's Poll and looks
 * at the token's status, within a deadline read from the TSC-calibrated
 * clock, so it progresses at any TPL. EDK2's FAT driver calls a drive's
 * BlockIo at TPL_CALLBACK, where events do not fire and WaitForEvent fails;
 * an HTTP-backed drive (map in place) reads from here then (DESIGN.md).
 * Tokens carry an event only because TCP4 insists on one; nobody waits on it.
 */
#include "efi.h"

#include "../src/platform.h"

static EFI_GUID tcp4_sb_guid = EFI_TCP4_SERVICE_BINDING_PROTOCOL;
static EFI_GUID tcp4_guid = EFI_TCP4_PROTOCOL;
static EFI_GUID ip4_config2_guid = { 0x5b446ed1, 0xe30b, 0x4faa,
                                     { 0x87, 0x1a, 0x36, 0x54, 0xec, 0xa3, 0x60, 0x80 } };

/* EFI_IP4_CONFIG2_PROTOCOL (UEFI 2.x, not in gnu-efi). */
enum { IP4C2_INTERFACE_INFO = 0, IP4C2_POLICY = 1 };
enum { IP4C2_POLICY_STATIC = 0, IP4C2_POLICY_DHCP = 1 };
struct ip4_config2 {
    EFI_STATUS(EFIAPI *set_data)(struct ip4_config2 *self, UINTN type, UINTN size, void *data);
    EFI_STATUS(EFIAPI *get_data)(struct ip4_config2 *self, UINTN type, UINTN *size, void *data);
    void *register_notify;
    void *unregister_notify;
};
struct ip4_config2_interface_info {
    CHAR16 name[32];
    UINT8 if_type;
    UINT32 hw_address_size;
    EFI_MAC_ADDRESS hw_address;
    EFI_IPv4_ADDRESS station_address;
    EFI_IPv4_ADDRESS subnet_mask;
    UINT32 route_table_size;
    void *route_table;
};

static EFI_HANDLE nic;
static bool up;
static struct plat_net_info net;

struct tcp_conn {
    EFI_HANDLE child;
    EFI_TCP4 *tcp;
    EFI_EVENT ev;
};

/* Poll the protocol until *status leaves EFI_NOT_READY or the deadline passes. */
static bool poll_until(EFI_TCP4 *tcp, volatile EFI_STATUS *status, uint64_t deadline_us)
{
    while (*status == EFI_NOT_READY) {
        if (plat_uptime_us() > deadline_us)
            return false;
        tcp->Poll(tcp);
    }
    return true;
}

/*
 * The token's outcome by the deadline; past it the token is cancelled (its
 * buffer is the caller's, so it must be gone before we return) and
 * EFI_TIMEOUT is the outcome.
 */
static EFI_STATUS finish(EFI_TCP4 *tcp, EFI_TCP4_COMPLETION_TOKEN *t, uint64_t deadline)
{
    if (poll_until(tcp, &t->Status, deadline))
        return t->Status;
    tcp->Cancel(tcp, t);
    poll_until(tcp, &t->Status, plat_uptime_us() + 1000000);
    return EFI_TIMEOUT;
}

static int find_nic(void)
{
    EFI_HANDLE *h = NULL;
    UINTN n = 0;
    if (nic)
        return 0;
    if (efi_bs->LocateHandleBuffer(ByProtocol, &tcp4_sb_guid, NULL, &n, &h) != EFI_SUCCESS ||
        !n)
        return -ENETDOWN;
    nic = h[0];
    efi_bs->FreePool(h);
    return 0;
}

/* A passive TCP4 child with the default address: DHCP runs until it has one. */
static int wait_for_address(uint64_t deadline)
{
    EFI_SERVICE_BINDING *sb;
    EFI_HANDLE child = NULL;
    EFI_TCP4 *tcp;
    EFI_TCP4_CONFIG_DATA cfg;
    EFI_STATUS st;
    if (efi_bs->HandleProtocol(nic, &tcp4_sb_guid, (void **)&sb) != EFI_SUCCESS)
        return -ENETDOWN;
    st = sb->CreateChild(sb, &child);
    if (st == EFI_SUCCESS)
        st = efi_bs->HandleProtocol(child, &tcp4_guid, (void **)&tcp);
    if (st != EFI_SUCCESS) {
        if (child)
            sb->DestroyChild(sb, child);
        return EEFI(st);
    }
    memset(&cfg, 0, sizeof(cfg));
    cfg.TimeToLive = 64;
    cfg.AccessPoint.UseDefaultAddress = TRUE;
    cfg.AccessPoint.StationPort = 1; /* passive, never listened on */
    while ((st = tcp->Configure(tcp, &cfg)) == EFI_NO_MAPPING && plat_uptime_us() < deadline)
        efi_bs->Stall(50000); /* DHCP runs on the firmware's timer events meanwhile */
    if (st == EFI_SUCCESS)
        tcp->Configure(tcp, NULL);
    sb->DestroyChild(sb, child);
    return st == EFI_SUCCESS ? 0 : st == EFI_NO_MAPPING ? -ETIMEDOUT : EEFI(st);
}

int plat_net_up(uint32_t timeout_ms, struct plat_net_info *info)
{
    struct ip4_config2 *cfg;
    struct ip4_config2_interface_info ii;
    struct plat_net_info pxe;
    static uint8_t info_buf[4096];
    UINTN size;
    UINT32 policy = 0;
    uint64_t deadline;
    int rc;
    if (up) {
        *info = net;
        return 0;
    }
    rc = find_nic();
    if (rc)
        return rc;
    if (efi_bs->HandleProtocol(nic, &ip4_config2_guid, (void **)&cfg) != EFI_SUCCESS)
        return -ENETDOWN;
    size = sizeof(policy);
    if (cfg->get_data(cfg, IP4C2_POLICY, &size, &policy) != EFI_SUCCESS ||
        policy != IP4C2_POLICY_DHCP) {
        policy = IP4C2_POLICY_DHCP;
        cfg->set_data(cfg, IP4C2_POLICY, sizeof(UINT32), &policy);
    }
    deadline = plat_uptime_us() + (uint64_t)timeout_ms * 1000;
    /*
     * EDK2 starts DHCP when an IP child asks for the default address and
     * there is none yet (EFI_NO_MAPPING): a TCP4 child configured with
     * UseDefaultAddress does that, and says SUCCESS once the address is there.
     */
    rc = wait_for_address(deadline);
    if (rc)
        return rc;
    /* the route table follows the structure in the same buffer */
    size = sizeof(info_buf);
    if (cfg->get_data(cfg, IP4C2_INTERFACE_INFO, &size, info_buf) != EFI_SUCCESS)
        return -ENETDOWN;
    memcpy(&ii, info_buf, sizeof(ii));
    memset(&net, 0, sizeof(net));
    memcpy(net.mac, ii.hw_address.Addr, 6);
    memcpy(net.ip, ii.station_address.Addr, 4);
    memcpy(net.mask, ii.subnet_mask.Addr, 4);
    if (plat_pxe_info(&pxe)) {
        /* booted over PXE: the server and boot file that ifconfig shows too */
        memcpy(net.server, pxe.server, 4);
        memcpy(net.bootfile, pxe.bootfile, sizeof(net.bootfile));
        net.pxe = true;
    }
    up = true;
    *info = net;
    return 0;
}

void plat_tcp_close(void *conn)
{
    struct tcp_conn *c = conn;
    EFI_SERVICE_BINDING *sb;
    if (!c)
        return;
    if (c->tcp) {
        EFI_TCP4_CLOSE_TOKEN t = { .CompletionToken = { c->ev, EFI_NOT_READY },
                                   .AbortOnClose = TRUE };
        /* abort: a reset is enough, and leaves no TIME_WAIT state behind */
        if (c->tcp->Close(c->tcp, &t) == EFI_SUCCESS)
            poll_until(c->tcp, &t.CompletionToken.Status, plat_uptime_us() + 1000000);
        c->tcp->Configure(c->tcp, NULL);
    }
    if (c->child && efi_bs->HandleProtocol(nic, &tcp4_sb_guid, (void **)&sb) == EFI_SUCCESS)
        sb->DestroyChild(sb, c->child);
    if (c->ev)
        efi_bs->CloseEvent(c->ev);
    free(c);
}

static int tcp_err(EFI_STATUS st)
{
    switch (st) {
    case EFI_CONNECTION_REFUSED: return -ECONNREFUSED;
    case EFI_CONNECTION_RESET: return -ECONNRESET;
    case EFI_TIMEOUT: return -ETIMEDOUT;
    case EFI_NO_MAPPING: return -ENETDOWN;
    case EFI_NETWORK_UNREACHABLE:
    case EFI_HOST_UNREACHABLE:
    case EFI_NO_RESPONSE: return -EHOSTUNREACH;
    default: return EEFI(st);
    }
}

int plat_tcp_open(const uint8_t ip[4], uint16_t port, uint32_t timeout_ms, void **out)
{
    EFI_SERVICE_BINDING *sb;
    EFI_TCP4_CONFIG_DATA cfg;
    EFI_TCP4_CONNECTION_TOKEN t;
    struct plat_net_info info;
    struct tcp_conn *c;
    uint64_t deadline = plat_uptime_us() + (uint64_t)timeout_ms * 1000;
    EFI_STATUS st;
    int rc = plat_net_up(timeout_ms, &info);
    if (rc)
        return rc;
    if (efi_bs->HandleProtocol(nic, &tcp4_sb_guid, (void **)&sb) != EFI_SUCCESS)
        return -ENETDOWN;
    c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    st = efi_bs->CreateEvent(0, TPL_CALLBACK, NULL, NULL, &c->ev);
    if (st == EFI_SUCCESS)
        st = sb->CreateChild(sb, &c->child);
    if (st == EFI_SUCCESS)
        st = efi_bs->HandleProtocol(c->child, &tcp4_guid, (void **)&c->tcp);
    if (st != EFI_SUCCESS) {
        c->tcp = NULL;
        plat_tcp_close(c);
        return EEFI(st);
    }
    memset(&cfg, 0, sizeof(cfg));
    cfg.TimeToLive = 64;
    cfg.AccessPoint.UseDefaultAddress = TRUE;
    memcpy(cfg.AccessPoint.RemoteAddress.Addr, ip, 4);
    cfg.AccessPoint.RemotePort = port;
    cfg.AccessPoint.ActiveFlag = TRUE;
    /* the address may still be coming (DHCP): EFI_NO_MAPPING until it is */
    while ((st = c->tcp->Configure(c->tcp, &cfg)) == EFI_NO_MAPPING &&
           plat_uptime_us() < deadline)
        efi_bs->Stall(10000);
    if (st != EFI_SUCCESS) {
        EFI_TCP4 *tcp = c->tcp;
        c->tcp = NULL; /* not configured: nothing to close */
        (void)tcp;
        plat_tcp_close(c);
        return tcp_err(st);
    }
    t.CompletionToken.Event = c->ev;
    t.CompletionToken.Status = EFI_NOT_READY;
    st = c->tcp->Connect(c->tcp, &t);
    if (st == EFI_SUCCESS)
        st = finish(c->tcp, &t.CompletionToken, deadline);
    if (st != EFI_SUCCESS) {
        plat_tcp_close(c);
        return tcp_err(st);
    }
    *out = c;
    return 0;
}

int plat_tcp_send(void *conn, const void *buf, size_t len, uint32_t timeout_ms)
{
    struct tcp_conn *c = conn;
    uint64_t deadline = plat_uptime_us() + (uint64_t)timeout_ms * 1000;
    const uint8_t *b = buf;
    while (len) {
        UINT32 n = (UINT32)MIN(len, (size_t)32768);
        EFI_TCP4_TRANSMIT_DATA tx = { .Push = TRUE, .DataLength = n, .FragmentCount = 1 };
        EFI_TCP4_IO_TOKEN t = { .CompletionToken = { c->ev, EFI_NOT_READY } };
        EFI_STATUS st;
        tx.FragmentTable[0].FragmentLength = n;
        tx.FragmentTable[0].FragmentBuffer = (void *)b;
        t.Packet.TxData = &tx;
        st = c->tcp->Transmit(c->tcp, &t);
        if (st == EFI_SUCCESS)
            st = finish(c->tcp, &t.CompletionToken, deadline);
        if (st != EFI_SUCCESS)
            return tcp_err(st);
        b += n;
        len -= n;
    }
    return 0;
}

int plat_tcp_recv(void *conn, void *buf, size_t len, uint32_t timeout_ms, size_t *got)
{
    struct tcp_conn *c = conn;
    uint64_t deadline = plat_uptime_us() + (uint64_t)timeout_ms * 1000;
    EFI_TCP4_RECEIVE_DATA rx = { .DataLength = (UINT32)MIN(len, (size_t)0x100000),
                                 .FragmentCount = 1 };
    EFI_TCP4_IO_TOKEN t = { .CompletionToken = { c->ev, EFI_NOT_READY } };
    EFI_STATUS st;
    *got = 0;
    rx.FragmentTable[0].FragmentLength = rx.DataLength;
    rx.FragmentTable[0].FragmentBuffer = buf;
    t.Packet.RxData = &rx;
    st = c->tcp->Receive(c->tcp, &t);
    if (st == EFI_SUCCESS)
        st = finish(c->tcp, &t.CompletionToken, deadline);
    if (st == EFI_CONNECTION_FIN)
        return 0; /* the peer closed: end of stream */
    if (st != EFI_SUCCESS)
        return tcp_err(st);
    *got = rx.DataLength;
    return 0;
}
