package netgroovy.kernel.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Attributes read back from a message as the kernel lays them out (MessageWriter writes the
 * same layout): only where each value lies is noted, so each accessor must cut out exactly
 * that value, for low types and the rare high ones, nested or not, and the first of a
 * repeated type, as before.
 */
class AttributesTest {

    @Test
    void eachValueIsCutOutWhereItLies() {
        MessageWriter w = new MessageWriter(Nl.RTM_NEWLINK, 0).ifinfo(Nl.AF_UNSPEC, 7, 0, 0);
        w.attrString(3, "eth0");
        w.attrU32(4, 1500);
        w.attrU32(4, 9000); // a repeated type: the first one counts
        w.attrU8(200, 42); // a type above what is noted in arrays
        w.attr(1, new byte[] {2, 0, 0, 0, 0, 9});
        int nest = w.begin(18);
        w.attrString(1, "veth");
        w.attrU32(150, 77);
        w.end(nest);
        List<Message> messages = Message.split(w.finish(1));
        Attributes a = messages.get(0).attributes(16);

        assertEquals("eth0", a.string(3));
        assertEquals(1500, a.u32(4, -1));
        assertEquals(42, a.u8(200, -1));
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 9}, a.bytes(1));
        assertTrue(a.has(200));
        Attributes inner = a.nested(18);
        assertEquals("veth", inner.string(1));
        assertEquals(77, inner.u32(150, -1));
        assertEquals(4, a.raw(4).remaining());

        // absent: below the highest type seen, above it, among the high ones
        for (int absent : new int[] {2, 60, 150, 201}) {
            assertFalse(a.has(absent), "type " + absent);
            assertNull(a.bytes(absent));
            assertNull(a.string(absent));
            assertNull(a.raw(absent));
            assertEquals(-1, a.u32(absent, -1));
            assertEquals(-1, a.u8(absent, -1));
            assertFalse(a.nested(absent).has(1));
        }
        assertEquals(-1, a.u32(200, -1), "a one-byte value is no u32");
    }
}
