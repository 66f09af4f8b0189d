package netgroovy.dsl;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.TreeSet;

/** The DSL's words, read off {@link NetgroovyScript} itself, for completion, help and suggestions. */
public final class Words {
    private static final List<String> ALL = collect();

    private Words() {
    }

    public static List<String> all() {
        return ALL;
    }

    private static List<String> collect() {
        TreeSet<String> words = new TreeSet<>();
        for (Method m : NetgroovyScript.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || m.getName().startsWith("__")) {
                continue;
            }
            String n = m.getName();
            if (n.startsWith("get") && n.length() > 3 && m.getParameterCount() == 0) {
                n = Character.toLowerCase(n.charAt(3)) + n.substring(4);
            }
            words.add(n);
        }
        words.remove("on");
        words.remove("off");
        return List.copyOf(words);
    }

    /** The word closest to a misspelt one, if any is close enough to be a likely meaning. */
    public static String closest(String typed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String w : ALL) {
            int d = distance(typed.toLowerCase(), w.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = w;
            }
        }
        return bestDistance <= Math.max(1, typed.length() / 3) ? best : null;
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
