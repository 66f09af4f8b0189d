package netgroovy.kernel;

import netgroovy.kernel.netlink.Message;
import netgroovy.kernel.netlink.MessageWriter;
import netgroovy.kernel.netlink.NetlinkSocket;
import netgroovy.kernel.netlink.Nl;
import netgroovy.kernel.netlink.Request;

/**
 * The nf_tables ruleset generation of the namespace this was opened in: a counter the kernel
 * raises with every committed change to any table (iptables-nft, nft, another process, a
 * person at a shell). One netlink round trip, whatever the number of rules; so "has anything
 * changed the rules since I last looked?" costs microseconds. Equivalent to the generation
 * {@code nft list ruleset} reads first ({@code NFT_MSG_GETGEN}).
 */
public final class NfGeneration implements AutoCloseable {
    private static final int NFNL_SUBSYS_NFTABLES = 10, NFT_MSG_GETGEN = 16, NFTA_GEN_ID = 1;
    private final NetlinkSocket socket;

    private NfGeneration(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Opened in the calling thread's namespace; null where nf_tables cannot be asked (no module, no permission). */
    public static NfGeneration open() {
        try {
            NfGeneration g = new NfGeneration(NetlinkSocket.netfilter());
            g.current();
            return g;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The current generation (an unsigned 32-bit counter, as a long). */
    public long current() {
        // nfgenmsg: family AF_UNSPEC, version NFNETLINK_V0, resource id 0
        MessageWriter m = new MessageWriter(NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETGEN, Nl.F_REQUEST).u8(0).u8(0).u16(0);
        for (Message answer : socket.query(new Request("read the nf_tables generation", m))) {
            byte[] id = answer.attributes(4).bytes(NFTA_GEN_ID);
            if (id != null && id.length == 4) {
                return ((id[0] & 0xffL) << 24) | ((id[1] & 0xffL) << 16) | ((id[2] & 0xffL) << 8) | (id[3] & 0xffL);
            }
        }
        throw new KernelException("the kernel sent no nf_tables generation");
    }

    @Override
    public void close() {
        socket.close();
    }
}
