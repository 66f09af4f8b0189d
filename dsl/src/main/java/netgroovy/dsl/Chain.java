package netgroovy.dsl;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The words that continue a command chain: after {@code link 'A'} come the words of
 * {@link LinkSpec} ({@code master}, {@code up}, {@code into} ...), after {@code route 'default'}
 * those of {@link RouteSpec}. Read off the classes themselves, like {@link Words}, for the
 * REPL's completion and for "did you mean" when a chained word is misspelt.
 */
public final class Chain {
    /** The objects a chain continues, and how a person calls each (the word that starts it). */
    private static final Map<Class<?>, String> SPOKEN = Map.of(BridgeSpec.class, "bridge", LinkSpec.class, "link",
            AddrSpec.class, "addr", RouteSpec.class, "route", NsRef.class, "netns", ExpectSpec.class, "expect");

    private Chain() {
    }

    /** Whether {@code type} is an object that command chains continue. */
    public static boolean continues(Class<?> type) {
        return type != null && SPOKEN.containsKey(type);
    }

    /** The word that starts a chain of {@code type}, for messages ("link has no word 'mster'"). */
    public static String spoken(Class<?> type) {
        return SPOKEN.getOrDefault(type, type.getSimpleName());
    }

    /** The words {@code type} takes next in a chain, sorted; a getter counts as its property. */
    public static List<String> wordsOf(Class<?> type) {
        TreeSet<String> words = new TreeSet<>();
        for (Method m : type.getDeclaredMethods()) {
            if (isWord(m)) {
                words.add(word(m));
            }
        }
        return List.copyOf(words);
    }

    /**
     * The type a chain continues with after {@code word} on {@code type} (the script itself
     * for a statement's first word), or null when the word ends the chain or is no word.
     */
    public static Class<?> after(Class<?> type, String word) {
        for (Method m : type.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && word.equals(word(m))
                    && continues(m.getReturnType())) {
                return m.getReturnType();
            }
        }
        return null;
    }

    /** Methods that are words: public, of the object, not accessors of its identity. */
    private static boolean isWord(Method m) {
        if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers()) || m.isSynthetic()) {
            return false;
        }
        String n = m.getName();
        if (n.equals("toString") || n.equals("equals") || n.equals("hashCode") || n.equals("getName")) {
            return false;
        }
        // name() and where() say what the object is; they continue nothing.
        String pkg = m.getReturnType().getPackageName();
        return !(pkg.equals("netgroovy.value") || pkg.equals("netgroovy.plan"));
    }

    private static String word(Method m) {
        String n = m.getName();
        if (n.startsWith("get") && n.length() > 3 && m.getParameterCount() == 0) {
            return Character.toLowerCase(n.charAt(3)) + n.substring(4);
        }
        return n;
    }
}
