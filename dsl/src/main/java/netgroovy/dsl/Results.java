package netgroovy.dsl;

/** Which values a statement gives back are worth printing (the REPL and -e print them). */
public final class Results {
    private Results() {
    }

    /**
     * Views, command output, ping results, lists and plain values are; the objects that
     * command chains continue ({@code bridge 'b0'} gives a BridgeSpec) and null are not.
     */
    public static boolean worthPrinting(Object value) {
        return value != null && !(value instanceof BridgeSpec || value instanceof LinkSpec || value instanceof AddrSpec
                || value instanceof RouteSpec || value instanceof NsRef);
    }
}
