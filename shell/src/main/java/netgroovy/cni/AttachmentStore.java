package netgroovy.cni;

import groovy.json.JsonOutput;
import groovy.json.JsonSlurper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import netgroovy.value.Cidr;
import netgroovy.value.IpAddress;

/**
 * What the plugin made on one network, kept on disk so that DEL, CHECK and GC in later
 * processes know it: the attachments (container, interface, address, host-side veth) and the
 * network's shared pieces (whether the bridge was ours, ip_forward before we turned it on).
 * Also netgroovy's own IPAM: addresses are handed out from the subnet and freed on DEL.
 *
 * <p>One JSON file per network, {@code DATADIR/NETWORK/state.json}, replaced atomically; every
 * command holds an exclusive lock on {@code DATADIR/NETWORK/lock} from start to end, so
 * concurrent ADDs for different containers are serialized (an fcntl lock between processes,
 * a {@link ReentrantLock} between threads of one process, which fcntl locks do not separate).
 * It is kept in this one class so that it can move into netgroovy's state store later.
 */
public final class AttachmentStore implements AutoCloseable {
    private static final Map<Path, ReentrantLock> THREAD_LOCKS = new ConcurrentHashMap<>();
    private final Path dir;
    private final ReentrantLock threadLock;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final Map<String, Object> state;

    private AttachmentStore(Path dir, ReentrantLock threadLock, FileChannel lockFile, FileLock lock, Map<String, Object> state) {
        this.dir = dir;
        this.threadLock = threadLock;
        this.lockFile = lockFile;
        this.lock = lock;
        this.state = state;
    }

    /** Opens the network's store and takes its lock (waiting for another command on the network to finish). */
    public static AttachmentStore open(Path dataDir, String network) {
        Path dir = dataDir.resolve(network);
        ReentrantLock threadLock = THREAD_LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantLock());
        threadLock.lock();
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.lock();
            Path file = dir.resolve("state.json");
            Map<String, Object> state = Files.exists(file) && Files.size(file) > 0
                    ? NetConf.cast((Map<?, ?>) new JsonSlurper().parse(file.toFile()))
                    : new LinkedHashMap<>();
            state.computeIfAbsent("attachments", k -> new LinkedHashMap<>());
            return new AttachmentStore(dir, threadLock, ch, lock, state);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            threadLock.unlock();
            throw new CniException(CniException.IO_FAILURE, "cannot open the state of network " + network + " in " + dir,
                    String.valueOf(e.getMessage()), e);
        }
    }

    /** The attachments, by "CONTAINERID/IFNAME". */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Object>> attachments() {
        Map<String, Object> raw = (Map<String, Object>) state.get("attachments");
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(k, (Map<String, Object>) v));
        return out;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> attachment(String key) {
        return (Map<String, Object>) ((Map<String, Object>) state.get("attachments")).get(key);
    }

    @SuppressWarnings("unchecked")
    public void putAttachment(String key, Map<String, Object> record) {
        ((Map<String, Object>) state.get("attachments")).put(key, record);
        save();
    }

    @SuppressWarnings("unchecked")
    public void removeAttachment(String key) {
        if (((Map<String, Object>) state.get("attachments")).remove(key) != null) {
            save();
        }
    }

    /** Network-wide facts: "bridgeMade", "ipForwardBefore". */
    public Object get(String key) {
        return state.get(key);
    }

    public void put(String key, Object value) {
        if (value == null) {
            state.remove(key);
        } else {
            state.put(key, value);
        }
        save();
    }

    /**
     * netgroovy's own IPAM: the next free address of the subnet (after the last one handed out,
     * as host-local does, so an address just freed is not given to the next container at once).
     * The network address, the gateway and the broadcast address are never handed out.
     */
    public Cidr allocate(Cidr subnet, IpAddress gateway, IpAddress rangeStart, IpAddress rangeEnd) {
        return allocate(subnet, gateway, rangeStart, rangeEnd, null);
    }

    /** wanted: an address the runtime asked for (runtimeConfig.ips), taken if it is free; null: the next free one. */
    public Cidr allocate(Cidr subnet, IpAddress gateway, IpAddress rangeStart, IpAddress rangeEnd, IpAddress wanted) {
        Set<IpAddress> used = new TreeSet<>();
        for (Map<String, Object> a : attachments().values()) {
            if (!Boolean.TRUE.equals(a.get("ownIpam"))) {
                continue;
            }
            Object all = a.get("addresses") instanceof java.util.List<?> l ? l : java.util.List.of(String.valueOf(a.get("address")));
            for (Object o : (java.util.List<?>) all) {
                IpAddress ip = Cidr.parse(String.valueOf(o)).address();
                if (subnet.contains(ip)) {
                    used.add(ip);
                }
            }
        }
        // Where the last search ended, per IP version: each continues after it, as host-local does.
        String lastKey = subnet.isV4() ? "lastReserved" : "lastReserved6";
        IpAddress first = rangeStart != null ? rangeStart : subnet.address().plus(1);
        IpAddress last = rangeEnd != null ? rangeEnd : subnet.address().plus(subnet.size() - 2);
        if (!subnet.contains(first) || !subnet.contains(last) || first.compareTo(last) > 0) {
            throw new CniException(CniException.INVALID_CONFIG, "invalid network configuration: range " + first + "-" + last
                    + " is not inside " + subnet, "");
        }
        if (wanted != null) {
            if (!subnet.contains(wanted) || wanted.equals(gateway) || wanted.equals(subnet.address())) {
                throw new CniException(CniException.INVALID_CONFIG, "invalid network configuration: runtimeConfig.ips asks for " + wanted
                        + ", which is not a container address of " + subnet + (gateway != null ? " (gateway " + gateway + ")" : ""), "");
            }
            if (used.contains(wanted)) {
                throw new CniException(CniException.NO_ADDRESS_LEFT, "the address " + wanted + " asked for is taken",
                        "another container on this network has it");
            }
            return new Cidr(wanted, subnet.prefix());
        }
        IpAddress start = state.get(lastKey) instanceof String s ? IpAddress.parse(s).plus(1) : first;
        if (start.compareTo(first) < 0 || start.compareTo(last) > 0) {
            start = first;
        }
        IpAddress candidate = start;
        do {
            if (!used.contains(candidate) && !candidate.equals(gateway)) {
                state.put(lastKey, candidate.toString());
                return new Cidr(candidate, subnet.prefix());
            }
            candidate = candidate.compareTo(last) >= 0 ? first : candidate.plus(1);
        } while (!candidate.equals(start));
        throw new CniException(CniException.NO_ADDRESS_LEFT, "no free address left in " + first + "-" + last,
                attachments().size() + " attachments on this network");
    }

    private void save() {
        Path tmp = dir.resolve("state.json.tmp");
        try {
            Files.writeString(tmp, JsonOutput.prettyPrint(JsonOutput.toJson(state)) + "\n");
            Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CniException(CniException.IO_FAILURE, "cannot write " + dir.resolve("state.json"), e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(lockFile);
        threadLock.unlock();
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
