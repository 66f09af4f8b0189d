package netgroovy.kernel.netlink;

/** Numbers from linux/netlink.h and linux/rtnetlink.h that the messages use. */
public final class Nl {
    private Nl() {
    }

    // nlmsghdr types and flags
    public static final int NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3;
    public static final int F_REQUEST = 0x1, F_MULTI = 0x2, F_ACK = 0x4, F_DUMP = 0x300;
    public static final int F_REPLACE = 0x100, F_EXCL = 0x200, F_CREATE = 0x400, F_APPEND = 0x800;
    public static final int F_CAPPED = 0x100, F_ACK_TLVS = 0x200;
    /** Send back what the request made, as the notification of it (RTM_NEWLINK: since Linux 6.3). */
    public static final int F_ECHO = 0x8;
    public static final int NLMSGERR_ATTR_MSG = 1;
    public static final int HEADER = 16;

    // rtnetlink message types
    public static final int RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19;
    public static final int RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24, RTM_DELROUTE = 25, RTM_GETROUTE = 26;
    public static final int RTM_NEWNEIGH = 28, RTM_DELNEIGH = 29, RTM_GETNEIGH = 30;
    public static final int RTM_NEWNSID = 88, RTM_GETNSID = 90;

    // ifinfomsg attributes
    public static final int IFLA_ADDRESS = 1, IFLA_BROADCAST = 2, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_LINK = 5;
    public static final int IFLA_MASTER = 10, IFLA_OPERSTATE = 16, IFLA_LINKINFO = 18, IFLA_NET_NS_PID = 19;
    public static final int IFLA_IFALIAS = 20, IFLA_NET_NS_FD = 28, IFLA_EXT_MASK = 29, IFLA_LINK_NETNSID = 37;
    /** IFLA_EXT_MASK: leave a link's counters (IFLA_STATS, IFLA_STATS64) out of the answer. */
    public static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;
    public static final int IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, IFLA_INFO_SLAVE_KIND = 4;
    public static final int VETH_INFO_PEER = 1;
    public static final int IFLA_INFO_SLAVE_DATA = 5;
    public static final int IFLA_BR_STP_STATE = 5;
    public static final int IFLA_BRPORT_MODE = 4; // a bridge port's hairpin mode
    public static final int IFF_UP = 0x1, IFF_LOWER_UP = 0x10000;

    // ifaddrmsg attributes
    public static final int IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4, IFA_FLAGS = 8;
    public static final int IFA_F_NODAD = 0x02, IFA_F_PERMANENT = 0x80;

    // rtmsg attributes and values
    public static final int RTA_DST = 1, RTA_SRC = 2, RTA_IIF = 3, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PRIORITY = 6;
    public static final int RTA_PREFSRC = 7, RTA_TABLE = 15;
    public static final int RT_TABLE_MAIN = 254, RT_TABLE_LOCAL = 255;
    public static final int RTPROT_KERNEL = 2, RTPROT_BOOT = 3, RTPROT_STATIC = 4;
    public static final int RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254;
    public static final int RTN_UNICAST = 1, RTN_LOCAL = 2;
    public static final int RTM_F_LOOKUP_TABLE = 0x1000;

    // ndmsg attributes
    public static final int NDA_DST = 1, NDA_LLADDR = 2;

    // netns id attributes
    public static final int NETNSA_NSID = 1, NETNSA_FD = 3;

    public static final int AF_UNSPEC = 0, AF_INET = 2, AF_INET6 = 10, AF_BRIDGE = 7;

    public static int align(int n) {
        return (n + 3) & ~3;
    }
}
