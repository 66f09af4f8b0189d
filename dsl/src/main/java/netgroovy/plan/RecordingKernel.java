package netgroovy.plan;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import netgroovy.kernel.ExecResult;

/**
 * Another kernel, with each call written down as a line before it is passed on, such as
 * {@code links(c1).setUp(eth0)} or {@code firewall(host).restore({nat=[-N DOCKER]})}: what a
 * plan asked of the system and in which order, for tests.
 */
public final class RecordingKernel implements Kernel {
    private final Kernel inner;
    private final List<String> calls = new ArrayList<>();

    public RecordingKernel(Kernel inner) {
        this.inner = inner;
    }

    /** The calls so far, oldest first. */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    public synchronized void clear() {
        calls.clear();
    }

    public Kernel inner() {
        return inner;
    }

    private synchronized void note(String call) {
        calls.add(call);
    }

    private static String args(Object... args) {
        return args == null ? "" : Arrays.stream(args).map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** The group {@code target} (links of a namespace ...), each of its calls noted with {@code prefix}. */
    @SuppressWarnings("unchecked")
    private <T> T recorded(Class<T> type, T target, String prefix) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            note(prefix + "." + method.getName() + "(" + args(args) + ")");
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Override
    public Kernel.Links links(Where where) {
        return recorded(Kernel.Links.class, inner.links(where), "links(" + where + ")");
    }

    @Override
    public Kernel.Addresses addresses(Where where) {
        return recorded(Kernel.Addresses.class, inner.addresses(where), "addresses(" + where + ")");
    }

    @Override
    public Kernel.Routes routes(Where where) {
        return recorded(Kernel.Routes.class, inner.routes(where), "routes(" + where + ")");
    }

    @Override
    public Kernel.Namespaces namespaces() {
        return recorded(Kernel.Namespaces.class, inner.namespaces(), "namespaces");
    }

    @Override
    public String sysctl(Where where, String key) {
        note("sysctl(" + where + ", " + key + ")");
        return inner.sysctl(where, key);
    }

    @Override
    public void setSysctl(Where where, String key, String value) {
        note("setSysctl(" + where + ", " + key + ", " + value + ")");
        inner.setSysctl(where, key, value);
    }

    @Override
    public Kernel.Firewall firewall(Where where) {
        return recorded(Kernel.Firewall.class, inner.firewall(where), "firewall(" + where + ")");
    }

    /** Over the recorded firewall, so its reads and batches are written down too. */
    @Override
    public netgroovy.firewall.Ruleset rules(Where where) {
        return rulesets.computeIfAbsent(where, w -> new netgroovy.firewall.Ruleset(firewall(w), () -> -1));
    }

    private final Map<Where, netgroovy.firewall.Ruleset> rulesets = new java.util.HashMap<>();

    @Override
    public Kernel.Files files() {
        return recorded(Kernel.Files.class, inner.files(), "files");
    }

    @Override
    public ExecResult exec(Where where, List<String> argv, Duration timeout) {
        note("exec(" + where + ", " + argv + ")");
        return inner.exec(where, argv, timeout);
    }

    @Override
    public void inside(Where where, Runnable work) {
        note("inside(" + where + ")");
        inner.inside(where, work);
    }

    @Override
    public void settle(String where, String name) {
        note("settle(" + where + ", " + name + ")");
        inner.settle(where, name);
    }

    @Override
    public boolean isSettled(String where, String name) {
        return inner.isSettled(where, name);
    }

    @Override
    public void forget(Where where) {
        note("forget(" + where + ")");
        inner.forget(where);
    }

    @Override
    public void releaseNamespaces() {
        inner.releaseNamespaces();
    }

    @Override
    public void endStatement() {
        inner.endStatement();
    }

    @Override
    public void remember(boolean on) {
        inner.remember(on); // (not a call on the system: not written down)
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        return inner + ", recorded";
    }

    /** Only the calls that change something (the ones that read are left out), for a shorter story. */
    public List<String> changes() {
        return calls().stream().filter(c -> !READS.matcher(c).find()).toList();
    }

    private static final java.util.regex.Pattern READS = java.util.regex.Pattern.compile(
            "\\.(list|get|glance|require|byIndex|exists|hasUts|save|policy|hairpin|read|isDirectory)\\(|^sysctl\\(|^exec\\(");
}
