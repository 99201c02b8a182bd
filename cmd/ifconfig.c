/*
 * ifconfig: bring the network interface up (DHCP, on first use, as any
 * network path does) and show its addresses. %?% is the IP address.
 */
#include "../src/platform.h"
#include "../src/shell.h"

static void ip_text(char *out, size_t n, const uint8_t ip[4])
{
    snprintf(out, n, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
}

static int ifconfig_exec(struct cmd_args *a)
{
    struct plat_net_info i;
    char ip[16], mask[16];
    int rc;
    if (a->first < a->argc)
        return shell_error(-EINVAL, "ifconfig: takes no arguments");
    rc = plat_net_up(20000, &i);
    if (rc == -ENETDOWN)
        return shell_error(rc, "ifconfig: no network interface (or the firmware has no TCP/IP "
                           "driver for it)");
    if (rc)
        return shell_error(rc, "ifconfig: no address from DHCP: %s", err_str(rc));
    ip_text(ip, sizeof(ip), i.ip);
    ip_text(mask, sizeof(mask), i.mask);
    con_printf("mac %02x:%02x:%02x:%02x:%02x:%02x  ip %s  mask %s", i.mac[0], i.mac[1],
               i.mac[2], i.mac[3], i.mac[4], i.mac[5], ip, mask);
    if (i.gateway[0] | i.gateway[1] | i.gateway[2] | i.gateway[3]) {
        char gw[16];
        ip_text(gw, sizeof(gw), i.gateway);
        con_printf("  gateway %s", gw);
    }
    con_printf("%s\n", i.pxe ? "  (booted over PXE)" : "");
    shell_set_retstr(ip);
    return 1;
}

COMMAND(ifconfig, ifconfig_exec, "ifconfig",
        "Bring the network interface up (DHCP, waiting up to 20 s) and show its MAC and IP\n"
        "addresses; %?% is the IP address. Files on (http,HOST[:PORT])/PATH bring it up\n"
        "too, on first use.",
        NULL);
