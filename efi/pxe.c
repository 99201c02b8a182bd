/*
 * PXE and TFTP (src/platform.h) through the firmware's PXE base code: the
 * DHCP answer that booted us (server, boot file), and whole files read with
 * its Mtftp (size first, through the tsize option, then the file into a
 * buffer of that size). When mapboot did not come over PXE, the first PXE
 * base code is started and gets its own address by DHCP on first use.
 */
#include "efi.h"

#include "../src/platform.h"

static EFI_GUID pxe_guid = EFI_PXE_BASE_CODE_PROTOCOL_GUID;
static EFI_GUID snp_guid = EFI_SIMPLE_NETWORK_PROTOCOL_GUID;

static EFI_PXE_BASE_CODE_PROTOCOL *booted; /* the one that booted us, if any */
static struct plat_net_info pxe_net;

void efi_pxe_init(EFI_HANDLE device)
{
    EFI_PXE_BASE_CODE_PROTOCOL *pxe;
    EFI_SIMPLE_NETWORK *snp;
    EFI_PXE_BASE_CODE_MODE *m;
    const EFI_PXE_BASE_CODE_DHCPV4_PACKET *ack;
    if (!device || efi_bs->HandleProtocol(device, &pxe_guid, (void **)&pxe) != EFI_SUCCESS)
        return;
    m = pxe->Mode;
    if (!m || !m->Started || m->UsingIpv6 || !m->DhcpAckReceived)
        return;
    booted = pxe;
    ack = &m->DhcpAck.Dhcpv4;
    memcpy(pxe_net.ip, m->StationIp.v4.Addr, 4);
    memcpy(pxe_net.mask, m->SubnetMask.v4.Addr, 4);
    memcpy(pxe_net.server, ack->BootpSiAddr, 4);
    /* a proxy DHCP server (dnsmasq's, say) names the boot server and file instead */
    if (m->ProxyOfferReceived && m->ProxyOffer.Dhcpv4.BootpSiAddr[0])
        memcpy(pxe_net.server, m->ProxyOffer.Dhcpv4.BootpSiAddr, 4);
    utf8_copy(pxe_net.bootfile, sizeof(pxe_net.bootfile), (const char *)ack->BootpBootFile);
    if (!pxe_net.bootfile[0] && m->ProxyOfferReceived)
        utf8_copy(pxe_net.bootfile, sizeof(pxe_net.bootfile),
                  (const char *)m->ProxyOffer.Dhcpv4.BootpBootFile);
    pxe_net.bootfile[sizeof(pxe_net.bootfile) - 1] = 0;
    if (efi_bs->HandleProtocol(device, &snp_guid, (void **)&snp) == EFI_SUCCESS && snp->Mode)
        memcpy(pxe_net.mac, snp->Mode->CurrentAddress.Addr, 6);
    pxe_net.pxe = true;
}

bool plat_pxe_info(struct plat_net_info *info)
{
    if (!booted)
        return false;
    *info = pxe_net;
    return true;
}

/* The PXE base code to read with, started and with an address. */
static int pxe_ready(EFI_PXE_BASE_CODE_PROTOCOL **out)
{
    EFI_PXE_BASE_CODE_PROTOCOL *pxe = booted;
    EFI_HANDLE *h = NULL;
    UINTN n = 0;
    EFI_STATUS st;
    if (!pxe) {
        if (efi_bs->LocateHandleBuffer(ByProtocol, &pxe_guid, NULL, &n, &h) != EFI_SUCCESS ||
            !n)
            return -ENETDOWN;
        st = efi_bs->HandleProtocol(h[0], &pxe_guid, (void **)&pxe);
        efi_bs->FreePool(h);
        if (st != EFI_SUCCESS)
            return -ENETDOWN;
    }
    if (!pxe->Mode->Started) {
        st = pxe->Start(pxe, FALSE);
        if (st != EFI_SUCCESS && st != EFI_ALREADY_STARTED)
            return EEFI(st);
    }
    if (!pxe->Mode->DhcpAckReceived) {
        st = pxe->Dhcp(pxe, FALSE);
        if (st != EFI_SUCCESS)
            return st == EFI_TIMEOUT ? -ETIMEDOUT : -ENETDOWN;
    }
    *out = pxe;
    return 0;
}

static int tftp_err(EFI_PXE_BASE_CODE_PROTOCOL *pxe, EFI_STATUS st)
{
    if (st == EFI_TFTP_ERROR && pxe->Mode->TftpErrorReceived) {
        /*
         * 1 is "file not found", 2 "access violation"; QEMU's server (and
         * others) says "File not found" with code 0, "see the message"
         */
        const EFI_PXE_BASE_CODE_TFTP_ERROR *e = &pxe->Mode->TftpError;
        char msg[sizeof(e->ErrorString) + 1];
        memcpy(msg, e->ErrorString, sizeof(e->ErrorString));
        msg[sizeof(e->ErrorString)] = 0;
        for (char *p = msg; *p; p++)
            *p = (char)to_lower(*p);
        if (e->ErrorCode == 1 || (e->ErrorCode == 0 && strstr8(msg, "not found")))
            return -ENOENT;
        return e->ErrorCode == 2 ? -EACCES : -EIO;
    }
    if (st == EFI_TFTP_ERROR || st == EFI_NOT_FOUND)
        return -ENOENT;
    return st == EFI_TIMEOUT ? -ETIMEDOUT : EEFI(st);
}

int plat_tftp_get(const uint8_t server[4], const char *path, uint64_t max, void **buf,
                  size_t *len)
{
    EFI_PXE_BASE_CODE_PROTOCOL *pxe = NULL;
    EFI_IP_ADDRESS ip;
    UINT64 size = 0;
    UINTN blksize = 1468; /* one Ethernet frame a block, where the server agrees */
    EFI_STATUS st;
    int rc = pxe_ready(&pxe);
    *buf = NULL;
    if (rc)
        return rc;
    memset(&ip, 0, sizeof(ip));
    memcpy(ip.v4.Addr, server, 4);
    st = pxe->Mtftp(pxe, EFI_PXE_BASE_CODE_TFTP_GET_FILE_SIZE, NULL, FALSE, &size, &blksize,
                    &ip, (UINT8 *)path, NULL, FALSE);
    if (st != EFI_SUCCESS)
        return tftp_err(pxe, st);
    if (size > max)
        return -E2BIG;
    *buf = malloc(size ? (size_t)size : 1);
    if (!*buf)
        return -ENOMEM;
    st = pxe->Mtftp(pxe, EFI_PXE_BASE_CODE_TFTP_READ_FILE, *buf, FALSE, &size, &blksize, &ip,
                    (UINT8 *)path, NULL, FALSE);
    if (st != EFI_SUCCESS) {
        free(*buf);
        *buf = NULL;
        return tftp_err(pxe, st);
    }
    *len = (size_t)size;
    return 0;
}
