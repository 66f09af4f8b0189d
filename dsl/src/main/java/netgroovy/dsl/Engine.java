package netgroovy.dsl;

import groovy.lang.Binding;
import groovy.lang.MissingMethodException;
import groovy.lang.MissingPropertyException;
import groovy.lang.Script;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import netgroovy.kernel.KernelException;
import netgroovy.plan.PlanException;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.customizers.ImportCustomizer;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;

/**
 * Runs netgroovy source (a script file, a REPL entry, a recipe) in one session and binding.
 * Every failure a user can cause comes out as a {@link DslException} with the script line.
 */
public final class Engine {
    private static final String ENGINE = "__netgroovy_engine";
    /** The design card's notation, quoted where a misplaced {@code <} or {@code >} is the likely error. */
    private static final String CARD = "bridge 'b0' < cidr '10.0.0.1/24'; mtu 1400 > (or the same in { })";
    private static final String COMPILER_REPORT = "run with --debug for the compiler's full report";
    private final Session session;
    private final Binding binding;
    private final ScriptLoader loader;
    /**
     * Runs of {@link #run} under way on each thread: recipes and {@code evaluate} run inside a
     * statement's. (Per thread: a statement left running after Ctrl-C must not make the next
     * one look nested.)
     */
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    public Engine(Session session) {
        this(session, new Binding());
    }

    public Engine(Session session, Binding binding) {
        this.session = session;
        this.binding = binding;
        binding.setVariable(NetgroovyScript.SESSION, session);
        binding.setVariable(ENGINE, this);
        binding.setVariable("out", session.out()); // println in scripts goes where the session prints
        CompilerConfiguration config = new CompilerConfiguration();
        config.setScriptBaseClass(NetgroovyScript.class.getName());
        // Scripts are compiled with Groovy's call-site caches, not invokedynamic. A script runs
        // once, and its call sites are called hundreds of times, not the 10 000 after which
        // Groovy's indy sites link straight to the method: until then each call goes through a
        // cache look-up and a generic handle, and each site's first call spins method-handle
        // classes. Measured in bench/endpoints (DSL words, N = 200, rounds alternated in one JVM):
        // 1.47-1.52 ms per endpoint with invokedynamic, 1.29-1.35 without.
        config.getOptimizationOptions().put(CompilerConfiguration.INVOKEDYNAMIC, false);
        config.addCompilationCustomizers(new ImportCustomizer().addStarImports("netgroovy.dsl"), new StatementMarker());
        this.loader = new ScriptLoader(Engine.class.getClassLoader(), config);
    }

    public Session session() {
        return session;
    }

    public Binding binding() {
        return binding;
    }

    /** Runs source text named {@code name} (used in error messages); returns its value. */
    public Object run(String text, String name) {
        return prepare(text, name).run();
    }

    /**
     * The text the REPL and {@code -e} print for a value {@link #run} returned ({@link Results#text}),
     * made on the thread that ran it. A value may read the world to print itself (a container,
     * as {@code docker ps} shows it), which takes the store's lock as a statement's first look
     * does: it is a statement of its own here, whose end lets the lock go. (Printed on another
     * thread, or left holding it, the REPL's next statement waited for the lock in vain.)
     */
    public String text(Object value) {
        try {
            return Results.text(value);
        } finally {
            session.flush();
        }
    }

    /**
     * {@code text} compiled now, to be run later, once ({@link Prepared#run}): so a benchmark
     * can time a script's body apart from its compile. A compile error is thrown here.
     */
    public Prepared prepare(String text, String name) {
        session.setScript(name);
        return new Prepared(text, name, parse(text, name));
    }

    /** A compiled text of this engine's, not run yet. */
    public final class Prepared {
        private final String text;
        private final String name;
        private final Script script;

        private Prepared(String text, String name, Script script) {
            this.text = text;
            this.name = name;
            this.script = script;
        }

        /** Runs it; returns its value. */
        public Object run() {
            session.setScript(name);
            netgroovy.trace.Origins.remember(name, text); // so trace can quote the line that made a rule
            int[] runs = depth.get();
            boolean outermost = runs[0]++ == 0;
            try {
                Object result = runParsed(script, name);
                if (outermost) {
                    Definitions.keep(script, binding);
                }
                return result;
            } finally {
                if (--runs[0] == 0) {
                    forgetCompiled();
                }
            }
        }
    }

    /**
     * Lets the classes of the texts run so far be collected (see {@link ScriptLoader}). Not
     * while an outer text runs (its calls would have to find their methods again), and not in
     * a process that reuses compiled scripts on purpose ({@link #reuseCompiledScripts}).
     */
    private void forgetCompiled() {
        if (!reuseCompiled) {
            loader.forgetScripts();
        }
    }

    /**
     * Compiled scripts by name and text, for a resident process that runs the same generated
     * code on every call (the CNI server: compiling is most of a call's cost). Off unless asked
     * for, since a REPL's or a script's texts are each run once; bounded either way.
     */
    private static final java.util.Map<String, Class<?>> COMPILED =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, Class<?>> eldest) {
                    return size() > 64;
                }
            });
    private static volatile boolean reuseCompiled;
    /** Script texts compiled before, kept on disk ({@link #keepCompiledIn}); null: none kept. */
    private CompiledScripts kept;

    /**
     * Texts this engine compiles are kept in {@code dir} as class files, and a text kept there
     * is not compiled again ({@link CompiledScripts}): for the script files and {@code -e} texts
     * of {@code ./netgroovy}, not the REPL's lines (each new, and many).
     */
    public void keepCompiledIn(java.nio.file.Path dir) {
        kept = new CompiledScripts(dir);
    }

    /** How many texts were found compiled in {@link #keepCompiledIn}'s folder. */
    int keptCompiledHits() {
        return kept == null ? 0 : kept.hits();
    }

    /** Keep compiled scripts for the rest of this process's life (see {@link #COMPILED}). */
    public static void reuseCompiledScripts() {
        reuseCompiled = true;
    }

    private Script parse(String text, String name) {
        SettingsNotation.Rewritten source = SettingsNotation.rewrite(text);
        if (source.unclosedLine() > 0) {
            throw new DslException(name, source.unclosedLine(), "settings opened with '<' are not closed with '>'",
                    "close them on the same or a later line: " + CARD, null);
        }
        String key = reuseCompiled ? name + '\0' + text : null;
        Class<?> compiled = key == null ? null : COMPILED.get(key);
        if (compiled != null) {
            return org.codehaus.groovy.runtime.InvokerHelper.createScript(compiled, binding);
        }
        try {
            Class<?> type = compile(source.text(), scriptClassName(name));
            if (key != null) {
                COMPILED.put(key, type);
            }
            if (!Script.class.isAssignableFrom(type) && !hasMain(type)) {
                return declarationsOnly(); // class Pod { ... } alone: declared (and known to later texts), nothing to run
            }
            return org.codehaus.groovy.runtime.InvokerHelper.createScript(type, binding);
        } catch (MultipleCompilationErrorsException e) {
            throw compileError(e, name);
        }
    }

    /** The class {@code text} compiles to: the one kept from an earlier run, if any ({@link #keepCompiledIn}). */
    private Class<?> compile(String text, String className) {
        if (kept == null) {
            return loader.compile(text, className);
        }
        java.util.Map<String, byte[]> classFiles = kept.find(text, className);
        if (classFiles != null) {
            try {
                return loader.define(className, classFiles);
            } catch (LinkageError | IllegalArgumentException e) {
                // (not what this JVM can define: compiled again below, and written over)
            }
        }
        classFiles = new java.util.LinkedHashMap<>();
        Class<?> type = loader.compile(text, className, classFiles);
        kept.keep(text, className, classFiles);
        return type;
    }

    private static boolean hasMain(Class<?> type) {
        try {
            type.getMethod("main", String[].class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private Script declarationsOnly() {
        return new Script(binding) {
            @Override
            public Object run() {
                return null;
            }
        };
    }

    /** The REPL's check: would this text compile, or is it unfinished (an open brace, a dangling operator)? */
    public boolean compiles(String text) {
        try {
            SettingsNotation.Rewritten source = SettingsNotation.rewrite(text);
            if (source.unclosedLine() > 0) {
                return false;
            }
            loader.compile(source.text(), "Check");
            return true;
        } catch (MultipleCompilationErrorsException e) {
            return false;
        } finally {
            if (depth.get()[0] == 0) {
                forgetCompiled();
            }
        }
    }

    static void evaluateInto(NetgroovyScript current, String text, String name) {
        Engine engine = (Engine) current.getBinding().getVariable(ENGINE);
        String savedName = engine.session.scriptName();
        int savedLine = engine.session.line();
        try {
            engine.run(text, name);
        } finally {
            engine.session.setScript(savedName);
            engine.session.statement(savedLine);
        }
    }

    private Object runParsed(Script script, String name) {
        try {
            Object result = script.run();
            session.flush();
            return result;
        } catch (DslException e) {
            throw e;
        } catch (MissingMethodException e) {
            if (!aWord(e)) {
                throw new DslException(name, lineOf(e, name), e.getType().getSimpleName() + " has no method "
                        + e.getMethod() + "(" + types(e.getArguments()) + ")", "check the name and the arguments; " + Unforeseen.DEBUG, e);
            }
            if (Chain.continues(e.getType())) {
                throw chainTypo(e.getType(), e.getMethod(), name, lineOf(e, name), e);
            }
            // netns 'c1' < ... > is compiled as __netnsMade (see SettingsNotation): name it as written.
            String word = e.getMethod().equals(NetgroovyScript.NETNS_MADE) ? "netns" : e.getMethod();
            throw unknownWord(word, e.getArguments(), name, lineOf(e, name), e);
        } catch (MissingPropertyException e) {
            String needs = needsValue(e);
            if (needs != null) {
                throw new DslException(name, lineOf(e, name), needs, ":help shows the word with an example", e);
            }
            if (Chain.continues(e.getType())) {
                throw chainTypo(e.getType(), e.getProperty(), name, lineOf(e, name), e);
            }
            throw unknownWord(e.getProperty(), null, name, lineOf(e, name), e);
        } catch (netgroovy.value.InvalidValueException | KernelException | PlanException e) {
            throw new DslException(name, lineOf(e, name), e.getMessage(), null, e);
        } catch (AssertionError e) {
            String what = e.getMessage() == null ? "" : ": " + e.getMessage().strip();
            throw new DslException(name, lineOf(e, name), "assertion failed" + what, null, e);
        } catch (IllegalArgumentException e) {
            // What recipes throw for a wrong option: the message says it all.
            throw new DslException(name, lineOf(e, name), String.valueOf(e.getMessage()), null, e);
        } catch (Throwable e) {
            // Anything else, Errors and checked exceptions (Groovy throws those undeclared) included.
            throw new Unforeseen(name, lineOf(e, name), e);
        } finally {
            // A statement that failed part-way leaves nothing planned for the next one.
            session.discardPending();
            session.release();
        }
    }

    /**
     * Whether a missing method was meant as a DSL word: called on the script, in one of its blocks,
     * or on netgroovy's own objects (a chain like {@code link 'A' mster 'br0'}); else it was a
     * method of some other object ({@code 'abc'.foo()}).
     */
    private static boolean aWord(MissingMethodException e) {
        Class<?> type = e.getType();
        return type == null || Script.class.isAssignableFrom(type) || groovy.lang.Closure.class.isAssignableFrom(type)
                || type.getName().startsWith("netgroovy.");
    }

    /**
     * {@code bridge 'b0' cidr} (a chain of odd length ends in a property read): a word that takes
     * a value was given none. Says which, and what kind of value, instead of "unknown word".
     */
    private static String needsValue(MissingPropertyException e) {
        String word = e.getProperty();
        Class<?> type = e.getType();
        Class<?> on = type == null || Script.class.isAssignableFrom(type) ? NetgroovyScript.class : type;
        if (!on.getName().startsWith("netgroovy.")) {
            return null;
        }
        for (java.lang.reflect.Method m : on.getMethods()) {
            if (m.getName().equals(word) && m.getParameterCount() >= 1) {
                Class<?> p = m.getParameterTypes()[m.getParameterTypes()[0] == java.util.Map.class && m.getParameterCount() > 1 ? 1 : 0];
                String kind = p == int.class || p == long.class || Number.class.isAssignableFrom(p) ? "a number, like " + word + " 1400"
                        : p == boolean.class || p == Boolean.class ? "on or off, like " + word + " off"
                        : "a value in quotes, like " + word + " 'VALUE'";
                String after = on == NetgroovyScript.class ? "" : " after " + on.getSimpleName().replace("Spec", "").toLowerCase();
                return "'" + word + "'" + after + " needs a value: " + kind;
            }
        }
        return null;
    }

    private static String types(Object[] args) {
        return Arrays.stream(args == null ? new Object[0] : args)
                .map(a -> a == null ? "null" : a.getClass().getSimpleName()).collect(Collectors.joining(", "));
    }

    /** Words other shells have, and what does that here. */
    private static final java.util.Map<String, String> SHELL_COMMANDS = java.util.Map.of(
            "exit", "in the REPL, :quit (or Ctrl-D) leaves", "quit", "in the REPL, :quit (or Ctrl-D) leaves",
            "help", ":help lists the words; :help WORD shows one with an example");

    private DslException unknownWord(String method, Object[] args, String name, int line, Throwable cause) {
        if (binding.getVariables().get(method) instanceof groovy.lang.Closure) {
            // The session's own: a method or closure defined earlier (def f(n) {...}, f = {...}).
            return new DslException(name, line, "wrong arguments for '" + method + "': (" + types(args) + ")",
                    "call it with the arguments it was defined with", cause);
        }
        if (Words.all().contains(method)) {
            return new DslException(name, line, "wrong arguments for '" + method + "': (" + types(args) + ")",
                    ":help " + method + " shows how it is used", cause);
        }
        String shell = SHELL_COMMANDS.get(method);
        if (shell != null) {
            // What people type in any shell: say where it is here.
            return new DslException(name, line, "'" + method + "' is not a word of the DSL", shell, cause);
        }
        String close = Words.closest(method);
        return new DslException(name, line, "unknown word '" + method + "'",
                close != null ? "did you mean '" + close + "'?" : ":help lists the words", cause);
    }

    /** {@code link 'A' mster 'br0'}: the words that may follow in that chain, not all the DSL's. */
    private static DslException chainTypo(Class<?> type, String word, String name, int line, Throwable cause) {
        List<String> known = Chain.wordsOf(type);
        String close = Words.closest(word, known);
        String chain = Chain.spoken(type);
        if (known.contains(word)) {
            return new DslException(name, line, "wrong arguments for '" + word + "' after " + chain,
                    ":help " + chain + " shows how it is used", cause);
        }
        return new DslException(name, line, chain + " has no word '" + word + "'",
                (close != null ? "did you mean '" + close + "'? " : "") + "after " + chain + " come: " + String.join(", ", known), cause);
    }

    private int lineOf(Throwable e, String name) {
        String file = scriptClassName(name);
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (StackTraceElement s : t.getStackTrace()) {
                if (s.getLineNumber() > 0 && (name.equals(s.getFileName()) || file.equals(s.getFileName())
                        || (s.getClassName() != null && s.getClassName().startsWith(file)))) {
                    return s.getLineNumber();
                }
            }
        }
        return session.line();
    }

    private static DslException compileError(MultipleCompilationErrorsException e, String name) {
        var errors = e.getErrorCollector().getErrors();
        if (!errors.isEmpty() && errors.get(0) instanceof SyntaxErrorMessage s) {
            var cause = s.getCause();
            String msg = cause.getOriginalMessage();
            String first = msg.lines().findFirst().orElse(msg).strip();
            String hint = first.contains("'>'") || first.contains("'<'")
                    ? "settings go in < > right after a word that takes them and its name: " + CARD + "; " + COMPILER_REPORT
                    : "check the quotes, brackets and braces there; " + COMPILER_REPORT;
            return new DslException(name, cause.getLine(), "syntax error: " + first, hint, e);
        }
        return new DslException(name, 0, e.getMessage().lines().skip(1).findFirst().orElse(e.getMessage()).strip(),
                COMPILER_REPORT, e);
    }

    /** Groovy names the script class after the file; keep it a valid class name. */
    private static String scriptClassName(String name) {
        String base = name.replaceAll("^.*/", "").replaceAll("\\.netgroovy$", "").replaceAll("\\.groovy$", "");
        // A suffix keeps the class name from shadowing a variable of the same name (p2p = {...} in p2p.netgroovy).
        String cls = base.replaceAll("[^A-Za-z0-9_$]", "_") + "_netgroovy";
        if (!Character.isJavaIdentifierStart(cls.charAt(0))) {
            cls = "_" + cls;
        }
        return cls;
    }
}
