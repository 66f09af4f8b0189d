package netgroovy.dsl;

import java.util.ArrayList;
import java.util.List;
import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import java.lang.reflect.Modifier;
import org.codehaus.groovy.ast.ClassHelper;
import org.codehaus.groovy.ast.Parameter;
import org.codehaus.groovy.ast.VariableScope;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.DeclarationExpression;
import org.codehaus.groovy.ast.expr.EmptyExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.stmt.CatchStatement;
import org.codehaus.groovy.ast.stmt.ReturnStatement;
import org.codehaus.groovy.ast.stmt.ThrowStatement;
import org.codehaus.groovy.ast.stmt.TryCatchStatement;
import org.codehaus.groovy.ast.stmt.AssertStatement;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.ast.stmt.EmptyStatement;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;

/**
 * Puts a call {@code __statement(LINE)} before every statement of a script, and gives each
 * statement an end (see {@link #bounded}). That is how the session knows where one statement
 * begins and ends — each statement's plan is applied as one unit, at its end — and which line
 * an error belongs to.
 *
 * <p>The statements of helpers — methods the script declares ({@code def endpoint(n) { ... }})
 * and closures (blocks, {@code def endpoint = { n -> ... }}) — get only {@code __line(LINE)}:
 * they are part of the plan of the script statement that called them, so
 * {@code endpoint(1)} happens whole or not at all. Inside a try block every statement ends
 * on its own, so that the catch sees its failure.
 */
final class StatementMarker extends CompilationCustomizer {
    static final String HOOK = "__statement";
    /** The lighter mark inside helpers: the line, for errors, and nothing applied. */
    static final String LINE = "__line";

    static final String CHECKING = "__checking";
    static final String UNCHECKED = "__unchecked";
    static final String ENDED = "__ended";
    static final String FAILED = "__failed";

    StatementMarker() {
        super(CompilePhase.CONVERSION);
    }

    @Override
    public void call(SourceUnit source, org.codehaus.groovy.classgen.GeneratorContext context, ClassNode classNode) {
        if (!classNode.isScript()) {
            return;
        }
        // Whether the statements being visited are the script's own (each one plan) or a helper's.
        java.util.ArrayDeque<Boolean> own = new java.util.ArrayDeque<>();
        ClassCodeVisitorSupport visitor = new ClassCodeVisitorSupport() {
            @Override
            protected SourceUnit getSourceUnit() {
                return source;
            }

            @Override
            public void visitClosureExpression(ClosureExpression closure) {
                own.push(false);
                try {
                    super.visitClosureExpression(closure);
                } finally {
                    own.pop();
                }
            }

            /**
             * The statements of a try block end, and apply, one by one wherever they are, so
             * that the catch sees a failure of the statement it guards.
             */
            @Override
            public void visitTryCatchFinally(TryCatchStatement t) {
                own.push(true);
                try {
                    t.getTryStatement().visit(this);
                } finally {
                    own.pop();
                }
                for (CatchStatement c : t.getCatchStatements()) {
                    c.visit(this);
                }
                t.getFinallyStatement().visit(this);
            }

            @Override
            public void visitBlockStatement(BlockStatement block) {
                boolean whole = own.isEmpty() || own.peek();
                List<Statement> marked = new ArrayList<>();
                for (Statement s : block.getStatements()) {
                    if (s.getLineNumber() > 0) {
                        MethodCallExpression call = new MethodCallExpression(VariableExpression.THIS_EXPRESSION, whole ? HOOK : LINE,
                                new ArgumentListExpression(new ConstantExpression(s.getLineNumber(), true)));
                        call.setImplicitThis(true);
                        ExpressionStatement mark = new ExpressionStatement(call);
                        mark.setSourcePosition(s);
                        marked.add(mark);
                    }
                    if (whole) {
                        marked.addAll(bounded(s));
                    } else {
                        marked.add(s instanceof AssertStatement a ? checkedOnlyWhenLive(a) : s);
                    }
                }
                // Visit the original statements (closures inside them get marked too).
                super.visitBlockStatement(block);
                block.getStatements().clear();
                block.getStatements().addAll(marked);
            }
        };
        for (MethodNode m : classNode.getMethods()) {
            if (m.getCode() != null) {
                // A method the script declares is a helper: called from a statement, it is part of that statement's plan.
                own.push(m.getName().equals("run") && m.getParameters().length == 0);
                try {
                    m.getCode().visit(visitor);
                } finally {
                    own.pop();
                }
            }
        }
    }

    /**
     * Gives a statement its end. An expression statement {@code expr} becomes
     * {@code try { __ended(expr) } catch (Throwable t) { throw __failed(t) }}: at its end the
     * statement's plan is applied (so an error in applying it is thrown by that statement, where
     * a script's own try/catch can catch it), and a statement that fails part-way throws away
     * what it had planned (so nothing of it is applied later). {@code def x = expr} becomes
     * {@code def x; try { x = __ended(expr) } catch ...}; the value of the statement, and so a
     * block's or script's result, stays that of {@code expr}.
     */
    private static List<Statement> bounded(Statement s) {
        if (s instanceof AssertStatement a) {
            return List.of(checkedOnlyWhenLive(a));
        }
        if (s instanceof ReturnStatement r && !r.isReturningNullOrVoid()) {
            r.setExpression(call(ENDED, r.getExpression()));
            return List.of(r);
        }
        if (!(s instanceof ExpressionStatement es) || (s.getStatementLabels() != null && !s.getStatementLabels().isEmpty())) {
            return List.of(s);
        }
        Expression e = es.getExpression();
        if (e instanceof DeclarationExpression d) {
            if (d.isMultipleAssignmentDeclaration() || !d.getAnnotations().isEmpty()
                    || (d.getVariableExpression().getModifiers() & Modifier.FINAL) != 0
                    || d.getRightExpression() instanceof EmptyExpression) {
                return List.of(s);
            }
            VariableExpression v = d.getVariableExpression();
            DeclarationExpression declare = new DeclarationExpression(v, d.getOperation(), EmptyExpression.INSTANCE);
            declare.setSourcePosition(d);
            ExpressionStatement declared = new ExpressionStatement(declare);
            declared.setSourcePosition(s);
            BinaryExpression assign = new BinaryExpression(new VariableExpression(v.getName()), d.getOperation(),
                    call(ENDED, d.getRightExpression()));
            assign.setSourcePosition(d);
            return List.of(declared, guarded(assign, s));
        }
        return List.of(guarded(call(ENDED, e), s));
    }

    private static Statement guarded(Expression e, Statement at) {
        ExpressionStatement body = new ExpressionStatement(e);
        body.setSourcePosition(at);
        return caught(body, "__thrown", t -> new ThrowStatement(call(FAILED, t)), at);
    }

    /** {@code try { body } catch (Throwable NAME) { handler(NAME) }}, placed at {@code at}'s line. */
    private static TryCatchStatement caught(Statement body, String name, java.util.function.Function<Expression, Statement> handler,
                                            Statement at) {
        BlockStatement tryBlock = new BlockStatement(new ArrayList<>(List.of(body)), new VariableScope());
        tryBlock.setSourcePosition(at);
        Parameter thrown = new Parameter(ClassHelper.make(Throwable.class), name);
        Statement handle = handler.apply(new VariableExpression(thrown));
        handle.setSourcePosition(at);
        TryCatchStatement t = new TryCatchStatement(tryBlock, EmptyStatement.INSTANCE);
        t.addCatch(new CatchStatement(thrown, handle));
        t.setSourcePosition(at);
        return t;
    }

    private static MethodCallExpression call(String hook, Expression argument) {
        MethodCallExpression call = new MethodCallExpression(VariableExpression.THIS_EXPRESSION, hook, new ArgumentListExpression(argument));
        call.setImplicitThis(true);
        call.setSourcePosition(argument);
        return call;
    }

    /**
     * {@code assert X} becomes {@code __checking(LINE); try { assert X } catch (Throwable t) {
     * __unchecked(t) }}. Live, nothing changes: a false X (or an error in it) fails the script. In
     * a dry run (or an {@code explain} block) X is still evaluated — what it plans is part of the
     * plan, as {@code assert networkPrune() == ['n1']} removes n1 in a live run — but what it
     * says about the live system is reported as not checked instead of failing: no packet was
     * sent and nothing was made.
     */
    private static Statement checkedOnlyWhenLive(AssertStatement a) {
        ExpressionStatement notice = new ExpressionStatement(call(CHECKING, new ConstantExpression(a.getLineNumber(), true)));
        notice.setSourcePosition(a);
        TryCatchStatement t = caught(a, "__assertion", thrown -> new ExpressionStatement(call(UNCHECKED, thrown)), a);
        BlockStatement both = new BlockStatement(new ArrayList<>(List.of(notice, t)), new VariableScope());
        both.setSourcePosition(a);
        return both;
    }
}
