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
        return closest(typed, ALL);
    }

    /** The name among {@code names} closest to a misspelt one, if any is close enough. */
    public static String closest(String typed, java.util.Collection<String> names) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String w : names) {
            int d = distance(typed.toLowerCase(), w.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = w;
            }
        }
        return bestDistance <= Math.max(1, typed.length() / 3) ? best : null;
    }

    /** Edit distance counting a swap of two neighbours as one edit ("veht" is one from "veth"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
