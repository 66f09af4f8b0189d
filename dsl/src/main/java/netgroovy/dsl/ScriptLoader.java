package netgroovy.dsl;

import groovy.lang.Closure;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.lang.Script;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * Compiles the session's texts (what {@code GroovyShell.parse} does) and lets their classes go
 * once they have run. Each text becomes classes of its own — the script, one per closure —
 * and Groovy keeps every class it has seen in a cache by name and its meta-class in a global
 * registry until told to forget it: a REPL session grew by about 95 KB of heap and 1.6 classes a
 * statement, for good. {@link #forgetScripts} drops both for the scripts and closures; what is
 * still in use (a closure kept in a variable, a method kept by {@link Definitions}) keeps its
 * class alive, and Groovy rebuilds the meta-class when it is called. Classes a text declares
 * ({@code class Pod { ... }}) stay known by name, so later texts can use them.
 */
final class ScriptLoader extends GroovyClassLoader {
    /** Where Groovy says compiled script text comes from (GroovyShell's own value). */
    private static final String CODE_BASE = "/groovy/shell";

    ScriptLoader(ClassLoader parent, CompilerConfiguration config) {
        super(parent, config);
    }

    /** The class of {@code text}, named {@code className} (stack traces show it as the file name). */
    Class<?> compile(String text, String className) {
        return parseClass(new GroovyCodeSource(text, className, CODE_BASE), false);
    }

    /** Forgets the scripts and closures compiled so far; see the class comment. */
    void forgetScripts() {
        for (Class<?> c : getLoadedClasses()) {
            if (Script.class.isAssignableFrom(c) || Closure.class.isAssignableFrom(c)) {
                removeClassCacheEntry(c.getName());
                InvokerHelper.removeClass(c);
            }
        }
    }
}
