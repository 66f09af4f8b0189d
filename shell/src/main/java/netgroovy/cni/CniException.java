package netgroovy.cni;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure reported to the runtime as the spec's error result: a code (1-99 the spec's own,
 * 100+ ours), a one-line message and details.
 */
public final class CniException extends RuntimeException {
    public static final int INCOMPATIBLE_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int UNKNOWN_CONTAINER = 3;
    public static final int INVALID_ENVIRONMENT = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODING_FAILURE = 6;
    public static final int INVALID_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;
    public static final int NOT_AVAILABLE = 50;
    /** Ours: the recipe or the kernel refused (the details say what). */
    public static final int SETUP_FAILED = 100;
    /** Ours: CHECK found the kernel different from what ADD made. */
    public static final int CHECK_FAILED = 101;
    /** Ours: the interface the runtime asked for already exists in the container. */
    public static final int INTERFACE_EXISTS = 102;
    /** Ours: no address left to hand out. */
    public static final int NO_ADDRESS_LEFT = 103;

    private final int code;
    private final String details;

    public CniException(int code, String msg, String details) {
        super(msg);
        this.code = code;
        this.details = details == null ? "" : details;
    }

    public CniException(int code, String msg, String details, Throwable cause) {
        super(msg, cause);
        this.code = code;
        this.details = details == null ? "" : details;
    }

    public int code() {
        return code;
    }

    public String details() {
        return details;
    }

    /** The spec's error structure. */
    public Map<String, Object> toResult(String cniVersion) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cniVersion", cniVersion);
        m.put("code", code);
        m.put("msg", getMessage());
        if (!details.isEmpty()) {
            m.put("details", details);
        }
        return m;
    }
}
