package netgroovy.cni;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the runtime said through the environment: {@code CNI_COMMAND}, {@code CNI_CONTAINERID},
 * {@code CNI_NETNS}, {@code CNI_IFNAME}, {@code CNI_ARGS}, {@code CNI_PATH}. Each command
 * checks the variables it needs, and names the missing or invalid ones (error code 4).
 */
public record Invocation(String command, String containerId, String netns, String ifname,
                         Map<String, String> args, List<String> path, Map<String, String> env) {
    /** The spec: alphanumeric first, then alphanumerics, '_', '.', '-'. */
    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

    public static Invocation from(Map<String, String> env) {
        String command = env.getOrDefault("CNI_COMMAND", "");
        Map<String, String> args = new LinkedHashMap<>();
        for (String pair : env.getOrDefault("CNI_ARGS", "").split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                args.put(pair.substring(0, eq), pair.substring(eq + 1));
            } else if (!pair.isBlank()) {
                throw new CniException(CniException.INVALID_ENVIRONMENT, "CNI_ARGS: '" + pair + "' is not KEY=VALUE", "");
            }
        }
        List<String> path = new ArrayList<>();
        for (String p : env.getOrDefault("CNI_PATH", "").split(":")) {
            if (!p.isBlank()) {
                path.add(p);
            }
        }
        return new Invocation(command, env.getOrDefault("CNI_CONTAINERID", ""), env.getOrDefault("CNI_NETNS", ""),
                env.getOrDefault("CNI_IFNAME", ""), args, path, env);
    }

    /** Fails with code 4 naming every required variable that is missing or malformed. */
    public void require(boolean containerId, boolean netns, boolean ifname) {
        List<String> bad = new ArrayList<>();
        if (containerId && !CONTAINER_ID.matcher(this.containerId).matches()) {
            bad.add("CNI_CONTAINERID");
        }
        if (netns && this.netns.isEmpty()) {
            bad.add("CNI_NETNS");
        }
        if (ifname && (this.ifname.isEmpty() || this.ifname.length() > 15 || this.ifname.contains("/")
                || this.ifname.chars().anyMatch(Character::isWhitespace) || this.ifname.equals(".") || this.ifname.equals(".."))) {
            bad.add("CNI_IFNAME");
        }
        if (!bad.isEmpty()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "missing or invalid " + String.join(", ", bad),
                    "CNI_COMMAND=" + command + " needs " + String.join(", ", bad));
        }
    }

    /** The key of an attachment: the spec identifies one by (CNI_CONTAINERID, CNI_IFNAME). */
    public String attachmentKey() {
        return containerId + "/" + ifname;
    }
}
