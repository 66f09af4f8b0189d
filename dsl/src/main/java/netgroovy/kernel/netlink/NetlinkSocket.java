package netgroovy.kernel.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import netgroovy.kernel.KernelException;
import netgroovy.kernel.LibC;

/**
 * An rtnetlink socket (AF_NETLINK, NETLINK_ROUTE), or a netfilter one ({@link #netfilter()}). The socket belongs to the network
 * namespace of the thread that opened it, for its whole life: open it inside a namespace
 * to talk to that namespace.
 *
 * <p>One request is in flight at a time: the methods that talk to the kernel are
 * synchronized, because a socket is shared by the threads that work in one namespace (pingall
 * probes routes from several at once), and an answer read by the wrong thread would be dropped,
 * leaving its asker waiting for ever.
 */
public final class NetlinkSocket implements AutoCloseable {
    private static final int NETLINK_ROUTE = 0, NETLINK_NETFILTER = 12;
    private static final int EINTR = 4, EAGAIN = 11, ENODEV = 19, ENOBUFS = 105, MSG_DONTWAIT = 0x40, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33;
    /** What the send buffer is known to hold at least (the kernel's default is larger than this). */
    private int sendBuffer = 100 << 10, receiveBuffer = 1 << 20;
    private final LibC libc = LibC.get();
    private final int fd;
    // Dump parts are at most a few pages each; 64 KiB holds any of them. Native memory: a Java
    // array would be copied whole to and from native memory by each call (128 KiB for an ack).
    // One per thread, not per socket: a run opens a socket per namespace, and native memory is
    // given back only when the collector gets round to it. What arrives is copied out at once
    // (see received), so sockets used one after the other on a thread can share it.
    private static final ThreadLocal<java.nio.ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> java.nio.ByteBuffer.allocateDirect(64 << 10));
    private int seq = (int) (System.nanoTime() & 0x3fffffff);

    public NetlinkSocket() {
        this(NETLINK_ROUTE);
    }

    /** A socket of the netfilter family (nfnetlink: nf_tables and friends), in the calling thread's namespace. */
    public static NetlinkSocket netfilter() {
        return new NetlinkSocket(NETLINK_NETFILTER);
    }

    private NetlinkSocket(int protocol) {
        fd = libc.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw KernelException.of("cannot open a netlink socket", LibC.errno());
        }
        // Extended acks: the kernel then says *why* it refused ("Unknown device type", ...).
        libc.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, new int[] {1}, 4);
        libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, new int[] {1 << 20}, 4);
        byte[] addr = new byte[12];
        addr[0] = (byte) LibC.AF_NETLINK;
        if (libc.bind(fd, addr, addr.length) < 0) {
            int errno = LibC.errno();
            libc.close(fd);
            throw KernelException.of("cannot bind a netlink socket", errno);
        }
    }

    /**
     * The index of the link named {@code name} in this socket's namespace, or 0 when there is
     * none: one ioctl (SIOCGIFINDEX, which any socket answers for its namespace), without the
     * rtnetlink lock, a message to build or one to decode, as a GETLINK has.
     */
    public int linkIndex(String name) {
        byte[] ifreq = ifreq(name, LibC.SIOCGIFINDEX);
        return ifreq == null ? 0 : ByteBuffer.wrap(ifreq, 16, 4).order(ByteOrder.nativeOrder()).getInt();
    }

    /** A link's flags (SIOCGIFFLAGS: IFF_UP ...), or -1 when there is no such link. Also one ioctl, as {@link #linkIndex}. */
    public int linkFlags(String name) {
        byte[] ifreq = ifreq(name, LibC.SIOCGIFFLAGS);
        return ifreq == null ? -1 : ByteBuffer.wrap(ifreq, 16, 2).order(ByteOrder.nativeOrder()).getShort() & 0xffff;
    }

    /**
     * A link's hardware address (SIOCGIFHWADDR) as the kernel gives it: a struct sockaddr, the
     * link's type (ARPHRD_*) in its first two bytes, then the address (zero-filled); null when
     * there is no such link.
     */
    public byte[] linkHardwareAddress(String name) {
        byte[] ifreq = ifreq(name, LibC.SIOCGIFHWADDR);
        return ifreq == null ? null : java.util.Arrays.copyOfRange(ifreq, 16, 32);
    }

    /** A struct ifreq for {@code name}, filled in by the ioctl; null when the kernel has no such link (ENODEV). */
    private byte[] ifreq(String name, long request) {
        byte[] ifreq = new byte[40];
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.arraycopy(n, 0, ifreq, 0, Math.min(n.length, 15));
        if (libc.ioctl(fd, request, ifreq) < 0) {
            int errno = LibC.errno();
            if (errno == ENODEV) {
                return null;
            }
            throw KernelException.of("cannot look up link " + name, errno);
        }
        return ifreq;
    }

    /** Sends one request with NLM_F_ACK and waits for its acknowledgement. */
    public void execute(Request request) {
        List<KernelException> errors = executeAll(List.of(request));
        if (errors.get(0) != null) {
            throw errors.get(0);
        }
    }

    /**
     * Sends all requests in one datagram (one system call) and collects every
     * acknowledgement. Returns, in order, null for each request that succeeded or the
     * error the kernel gave it. The kernel handles each request on its own: a failed one
     * does not stop those after it.
     */
    public synchronized List<KernelException> executeAll(List<Request> requests) {
        int first = sendTogether(requests);
        List<KernelException> results = new ArrayList<>(requests.size());
        boolean[] done = new boolean[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            results.add(null);
        }
        int remaining = requests.size();
        while (remaining > 0) {
            for (Message m : receive()) {
                int i = m.seq() - first;
                if (i < 0 || i >= requests.size() || done[i] || m.type() != Nl.NLMSG_ERROR) {
                    continue;
                }
                int err = -m.i32(0);
                if (err != 0) {
                    results.set(i, KernelException.of("cannot " + requests.get(i).what(), err, extAckMessage(m)));
                }
                done[i] = true;
                remaining--;
            }
        }
        return results;
    }

    /**
     * Sends an nfnetlink batch (BATCH_BEGIN, requests, BATCH_END) in one datagram and returns, in
     * order, null for each message or the error the kernel gave it. The kernel handles the whole
     * batch inside the send, so every answer is queued when the send returns: they are read
     * without waiting (as iptables-nft does). Messages sent without NLM_F_ACK answer only when
     * refused; any refusal makes the kernel drop the whole batch. A message that asked for an
     * acknowledgement and got none gets an error of errno 0; when answers overflowed the
     * socket (it is made large enough for one per message, so neither should happen), the last
     * message carries ENOBUFS: then whether the batch took is not known.
     */
    public List<KernelException> transaction(List<Request> requests) {
        return transaction(requests, (i, m) -> { });
    }

    /**
     * {@link #transaction(List)}, handing every other answer to a message of the batch to
     * {@code echoed}, with the message's place in the batch: what the kernel sends back for a
     * message sent with {@code NLM_F_ECHO} (an nf_tables rule as it was made, with its handle).
     */
    public synchronized List<KernelException> transaction(List<Request> requests,
                                                          java.util.function.BiConsumer<Integer, Message> echoed) {
        int first = seq + 1;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        boolean[] waiting = new boolean[requests.size()]; // asked for an acknowledgement, none read yet
        for (int i = 0; i < requests.size(); i++) {
            byte[] m = requests.get(i).message().finish(++seq);
            waiting[i] = (m[6] & Nl.F_ACK) != 0;
            out.write(m, 0, m.length);
        }
        byte[] data = out.toByteArray();
        if (data.length > sendBuffer) {
            // A batch is one datagram, whatever its size: the send buffer must hold it (iptables-nft raises it the same way).
            sendBuffer = data.length + 4096;
            libc.setsockopt(fd, LibC.SOL_SOCKET, SO_SNDBUFFORCE, new int[] {sendBuffer}, 4);
        }
        if (requests.size() * 4096 > receiveBuffer) {
            // Room for an answer to every message, as iptables-nft makes (a page each): a refused
            // batch answers for every message the kernel refused, and none of them may be lost.
            receiveBuffer = requests.size() * 4096;
            libc.setsockopt(fd, LibC.SOL_SOCKET, SO_RCVBUFFORCE, new int[] {receiveBuffer}, 4);
        }
        send(data);
        List<KernelException> results = new ArrayList<>(java.util.Collections.nCopies(requests.size(), null));
        while (true) {
            ByteBuffer buffer = BUFFER.get();
            long n = libc.recv(fd, buffer, buffer.capacity(), MSG_DONTWAIT);
            if (n < 0) {
                int errno = LibC.errno();
                if (errno == EINTR) {
                    continue;
                }
                if (errno == ENOBUFS) {
                    int last = requests.size() - 1;
                    results.set(last, KernelException.of("cannot " + requests.get(last).what()
                            + " (some of the kernel's answers were lost)", errno));
                    continue;
                }
                if (errno == EAGAIN) {
                    for (int i = 0; i < requests.size(); i++) {
                        if (waiting[i] && results.get(i) == null) {
                            results.set(i, new KernelException("cannot " + requests.get(i).what() + ": the kernel did not answer"));
                        }
                    }
                    return results;
                }
                throw KernelException.of("cannot receive from netlink", errno);
            }
            for (Message m : received(buffer, (int) n)) {
                int i = m.seq() - first;
                if (i < 0 || i >= requests.size()) {
                    continue;
                }
                if (m.type() != Nl.NLMSG_ERROR) {
                    echoed.accept(i, m);
                    continue;
                }
                waiting[i] = false;
                int err = -m.i32(0);
                if (err != 0 && results.get(i) == null) {
                    results.set(i, KernelException.of("cannot " + requests.get(i).what(), err, extAckMessage(m)));
                }
            }
        }
    }

    /** Sends a request and returns the messages of its answer (for RTM_GETROUTE and the like). */
    public synchronized List<Message> query(Request request) {
        int mySeq = ++seq;
        send(request.message().finish(mySeq));
        return answer(mySeq, request, false);
    }

    /**
     * Sends one request with NLM_F_ACK and NLM_F_ECHO, waits for its acknowledgement and
     * returns what the kernel echoed of what it made (nothing from a kernel that does not echo it).
     */
    public synchronized List<Message> executeEchoed(Request request) {
        int mySeq = ++seq;
        send(request.message().finish(mySeq));
        return answer(mySeq, request, true);
    }

    /**
     * The messages answering request {@code mySeq}: up to its end (NLMSG_DONE, an
     * acknowledgement, or a message that is not part of a multipart answer), or with
     * {@code toTheAck} up to its acknowledgement; a refusal is thrown.
     */
    private List<Message> answer(int mySeq, Request request, boolean toTheAck) {
        List<Message> answer = new ArrayList<>();
        while (true) {
            for (Message m : receive()) {
                if (m.seq() != mySeq) {
                    continue;
                }
                if (m.type() == Nl.NLMSG_ERROR) {
                    int err = -m.i32(0);
                    if (err != 0) {
                        throw KernelException.of("cannot " + request.what(), err, extAckMessage(m));
                    }
                    return answer;
                }
                if (m.type() == Nl.NLMSG_DONE) {
                    return answer;
                }
                answer.add(m);
                if (!toTheAck && (m.flags() & Nl.F_MULTI) == 0) {
                    return answer;
                }
            }
        }
    }

    /** Writes all requests into one datagram and sends it; returns the first one's sequence number. */
    private int sendTogether(List<Request> requests) {
        int first = seq + 1;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Request r : requests) {
            byte[] m = r.message().finish(++seq);
            out.write(m, 0, m.length);
        }
        send(out.toByteArray());
        return first;
    }

    /** One request's answer in {@link #queryEach}: its message, or the kernel's refusal. */
    public static final class Answer {
        private final Message message;
        /** The kernel's NLMSG_ERROR when it refused (its text may be in it), else null. */
        private final Message refusal;
        private final int errno;
        private final String what;

        private Answer(Message message, Message refusal, int errno, String what) {
            this.message = message;
            this.refusal = refusal;
            this.errno = errno;
            this.what = what;
        }

        /** The answer; null when the request was refused. */
        public Message message() {
            return message;
        }

        /** Why the kernel refused the request (ENODEV: no such link), or 0. */
        public int errno() {
            return errno;
        }

        /**
         * The refusal as an exception, or null. Made only when asked for: "no such link" is an
         * answer a check expects, and an exception's stack trace costs more than the question.
         */
        public KernelException error() {
            return errno == 0 ? null : KernelException.of("cannot " + what, errno, extAckMessage(refusal));
        }
    }

    /**
     * Sends requests that each answer with one message (RTM_GETLINK of one link, say) in one
     * datagram, and returns their answers in order. The kernel takes them one after the
     * other, so a lock it holds for each (rtnetlink's) is waited for once, not once per
     * request and system call.
     */
    public synchronized List<Answer> queryEach(List<Request> requests) {
        int first = sendTogether(requests);
        Answer[] answers = new Answer[requests.size()];
        int remaining = requests.size();
        while (remaining > 0) {
            for (Message m : receive()) {
                int i = m.seq() - first;
                if (i < 0 || i >= requests.size() || answers[i] != null) {
                    continue;
                }
                if (m.type() == Nl.NLMSG_ERROR) {
                    int err = -m.i32(0);
                    answers[i] = err == 0 ? new Answer(null, null, 0, null) : new Answer(null, m, err, requests.get(i).what());
                } else {
                    answers[i] = new Answer(m, null, 0, null);
                }
                remaining--;
            }
        }
        return List.of(answers);
    }

    /** A dump (NLM_F_DUMP): all objects of a kind, e.g. every link. */
    public List<Message> dump(String what, MessageWriter request) {
        return query(new Request(what, request));
    }

    /** How many datagrams this socket has sent (tests: requests asked together go in one). */
    public long sends() {
        return sends;
    }

    private long sends;

    private void send(byte[] data) {
        sends++;
        byte[] kernel = new byte[12];
        kernel[0] = (byte) LibC.AF_NETLINK;
        while (true) {
            long n = libc.sendto(fd, data, data.length, 0, kernel, kernel.length);
            if (n >= 0) {
                return;
            }
            int errno = LibC.errno();
            if (errno != EINTR) {
                throw KernelException.of("cannot send to netlink", errno);
            }
        }
    }

    private List<Message> receive() {
        while (true) {
            ByteBuffer buffer = BUFFER.get();
            long n = libc.recv(fd, buffer, buffer.capacity(), 0);
            if (n >= 0) {
                return received(buffer, (int) n);
            }
            int errno = LibC.errno();
            if (errno != EINTR) {
                throw KernelException.of("cannot receive from netlink", errno);
            }
        }
    }

    /** The kernel's own words for a refusal (NLMSGERR_ATTR_MSG), when it sent some. */
    private static String extAckMessage(Message error) {
        if ((error.flags() & Nl.F_ACK_TLVS) == 0) {
            return null;
        }
        ByteBuffer p = error.payload();
        int echoed = (error.flags() & Nl.F_CAPPED) != 0 ? Nl.HEADER : p.getInt(4);
        int from = 4 + Nl.align(echoed);
        if (from >= p.limit()) {
            return null;
        }
        return Attributes.parse(p.duplicate().order(ByteOrder.nativeOrder()), from, p.limit())
                .string(Nl.NLMSGERR_ATTR_MSG);
    }

    /** The messages of the datagram just received ({@code n} bytes of {@code buffer}), copied out of it. */
    private static List<Message> received(ByteBuffer buffer, int n) {
        byte[] data = new byte[n];
        buffer.get(0, data);
        return Message.split(data);
    }

    @Override
    public synchronized void close() {
        libc.close(fd);
    }
}
