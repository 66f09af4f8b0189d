package netgroovy.dsl;

import groovy.lang.Binding;
import groovy.lang.Closure;
import groovy.lang.MissingMethodException;
import groovy.lang.Script;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * Keeps the methods a text declared ({@code def endpoint(n) { ... }}) for the texts that come
 * after it in the same session, as a REPL user expects. Each text is a script class of its
 * own, so its methods would be gone with it; kept in the binding as closures under their
 * names, a later {@code endpoint(2)} finds them the way it finds a closure held in a variable
 * (a script's missing method is looked up among the binding's closures). Variables need no
 * help: undeclared ones live in the binding already.
 */
final class Definitions {
    private Definitions() {
    }

    /** Puts each method {@code script} declared into {@code binding}, under its name (overloads share one). */
    static void keep(Script script, Binding binding) {
        for (Method m : script.getClass().getDeclaredMethods()) {
            if (declaredInText(m)) {
                binding.setVariable(m.getName(), new Kept(script, m.getName()));
            }
        }
    }

    /** Not what Groovy generates for every script ({@code run}, {@code main}, {@code $getCallSiteArray} ...). */
    private static boolean declaredInText(Method m) {
        String name = m.getName();
        return !m.isSynthetic() && !m.isBridge() && !Modifier.isStatic(m.getModifiers())
                && !name.equals("run") && !name.startsWith("$") && !name.startsWith("__")
                && !name.startsWith("this$") && !name.startsWith("super$");
    }

    /**
     * A kept method: calls the method of that name on the script that declared it. Arguments
     * none of its overloads takes are a missing method (so the error names the word), never
     * a call back into the binding's closure of the same name, which is this one.
     */
    static final class Kept extends Closure<Object> {
        private final String name;

        Kept(Script script, String name) {
            super(script);
            this.name = name;
        }

        public Object doCall(Object... args) {
            Object script = getOwner();
            if (InvokerHelper.getMetaClass(script).respondsTo(script, name, args).isEmpty()) {
                throw new MissingMethodException(name, script.getClass(), args);
            }
            return InvokerHelper.invokeMethod(script, name, args);
        }
    }
}
