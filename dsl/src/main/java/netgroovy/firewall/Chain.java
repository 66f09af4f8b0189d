package netgroovy.firewall;

/** A user-defined chain netgroovy needs, such as DOCKER in the nat table. */
public record Chain(String table, String name) {
    public String command() {
        return "iptables -t " + table + " -N " + name;
    }
}
