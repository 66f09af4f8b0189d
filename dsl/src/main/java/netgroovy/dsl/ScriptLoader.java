package netgroovy.dsl;

import groovy.lang.Closure;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.lang.Script;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.SourceUnit;
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

    /** The class files of the compile under way, by class name, when the caller asked for them. */
    private java.util.Map<String, byte[]> classFiles;

    /** The class of {@code text}, named {@code className} (stack traces show it as the file name). */
    Class<?> compile(String text, String className) {
        return parseClass(new GroovyCodeSource(text, className, CODE_BASE), false);
    }

    /** As {@link #compile}, and puts the class files it made in {@code classFiles} (by class name). */
    Class<?> compile(String text, String className, java.util.Map<String, byte[]> classFiles) {
        this.classFiles = classFiles;
        try {
            return compile(text, className);
        } finally {
            this.classFiles = null;
        }
    }

    /**
     * Groovy's own collector of a compile's classes (each compile's in a loader of its own, so
     * they can be collected), which also hands their class files to {@link #compile} when asked.
     */
    @Override
    protected ClassCollector createCollector(CompilationUnit unit, SourceUnit su) {
        java.util.Map<String, byte[]> files = classFiles;
        return new ClassCollector(new InnerLoader(this), unit, su) {
            @Override
            protected Class createClass(byte[] code, ClassNode classNode) {
                if (files != null) {
                    files.put(classNode.getName(), code);
                }
                return super.createClass(code, classNode);
            }
        };
    }

    /**
     * The script class among {@code classFiles} (kept from an earlier compile, see {@link
     * CompiledScripts}), defined with the rest in a loader of their own, as a compile would.
     */
    Class<?> define(String className, java.util.Map<String, byte[]> classFiles) {
        KeptLoader inner = new KeptLoader(this);
        Class<?> script = null;
        for (var e : classFiles.entrySet()) {
            Class<?> c = inner.define(e.getKey(), e.getValue());
            setClassCacheEntry(c);
            if (e.getKey().equals(className)) {
                script = c;
            }
        }
        if (script == null) {
            throw new IllegalArgumentException("no class " + className + " among " + classFiles.keySet());
        }
        return script;
    }

    /**
     * The loader of one kept text's classes: Groovy's InnerLoader, as a compile defines its
     * classes in, defining them itself. (InnerLoader's public defineClass hands them to the
     * session's loader instead, where a second text compiled to the same class name, such as a
     * recipe {@code use}d by its example of the same file name, clashed with the first.)
     */
    private static final class KeptLoader extends InnerLoader {
        /** A compiled text's code source: where Groovy says its classes come from. */
        private static final java.security.ProtectionDomain DOMAIN = domain();

        KeptLoader(GroovyClassLoader session) {
            super(session);
        }

        Class<?> define(String name, byte[] code) {
            return defineClass(name, code, 0, code.length, DOMAIN);
        }

        private static java.security.ProtectionDomain domain() {
            try {
                return new java.security.ProtectionDomain(new java.security.CodeSource(
                        new java.net.URL("file", "", CODE_BASE), (java.security.cert.Certificate[]) null), null, null, null);
            } catch (java.net.MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
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
