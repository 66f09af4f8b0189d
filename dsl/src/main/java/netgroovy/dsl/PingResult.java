package netgroovy.dsl;

/** What {@code ping} found: how many echo requests went out and came back. Truthy when one came back. */
public final class PingResult {
    private final String from;
    private final String to;
    private final int sent;
    private final int received;
    private final String output;

    PingResult(String from, String to, int sent, int received, String output) {
        this.from = from;
        this.to = to;
        this.sent = sent;
        this.received = received;
        this.output = output;
    }

    /** A ping a dry run (or an explain block) printed and did not send. */
    static PingResult notSent(String from, String to, int count) {
        return new PingResult(from, to, 0, 0, "(dry run: not sent)");
    }

    static PingResult parse(String from, String to, int count, Run run) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) packets transmitted, (\\d+) (packets )?received")
                .matcher(run.getOut());
        if (m.find()) {
            return new PingResult(from, to, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), run.getOut());
        }
        return new PingResult(from, to, count, 0, run.getOut() + run.getErr());
    }

    public boolean isOk() {
        return received > 0;
    }

    /** Groovy truth: {@code assert ping('c1', '10.0.0.1')}. */
    public boolean asBoolean() {
        return isOk();
    }

    public int getSent() {
        return sent;
    }

    public int getReceived() {
        return received;
    }

    public String getOutput() {
        return output;
    }

    @Override
    public String toString() {
        if (sent == 0) {
            return "ping " + to + " from " + from + ": not sent (dry run)";
        }
        return "ping " + to + " from " + from + ": " + received + "/" + sent + " replies" + (isOk() ? "" : " (unreachable)");
    }
}
