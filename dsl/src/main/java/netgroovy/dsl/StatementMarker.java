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
import org.codehaus.groovy.ast.expr.BooleanExpression;
import org.codehaus.groovy.ast.stmt.AssertStatement;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.ast.stmt.EmptyStatement;
import org.codehaus.groovy.ast.stmt.IfStatement;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;

/**
 * Puts a call {@code __statement(LINE)} before every statement of a script (and of the
 * closures in it). That is how the session knows where one statement ends and the next
 * begins — each statement's plan is applied as one unit — and which line an error belongs to.
 */
final class StatementMarker extends CompilationCustomizer {
    static final String HOOK = "__statement";

    static final String CHECKING = "__checking";

    StatementMarker() {
        super(CompilePhase.CONVERSION);
    }

    @Override
    public void call(SourceUnit source, org.codehaus.groovy.classgen.GeneratorContext context, ClassNode classNode) {
        if (!classNode.isScript()) {
            return;
        }
        ClassCodeVisitorSupport visitor = new ClassCodeVisitorSupport() {
            @Override
            protected SourceUnit getSourceUnit() {
                return source;
            }

            @Override
            public void visitBlockStatement(BlockStatement block) {
                List<Statement> marked = new ArrayList<>();
                for (Statement s : block.getStatements()) {
                    if (s.getLineNumber() > 0) {
                        MethodCallExpression call = new MethodCallExpression(VariableExpression.THIS_EXPRESSION, HOOK,
                                new ArgumentListExpression(new ConstantExpression(s.getLineNumber(), true)));
                        call.setImplicitThis(true);
                        ExpressionStatement mark = new ExpressionStatement(call);
                        mark.setSourcePosition(s);
                        marked.add(mark);
                    }
                    marked.add(s instanceof AssertStatement a ? checkedOnlyWhenLive(a) : s);
                }
                // Visit the original statements (closures inside them get marked too).
                super.visitBlockStatement(block);
                block.getStatements().clear();
                block.getStatements().addAll(marked);
            }
        };
        for (MethodNode m : classNode.getMethods()) {
            if (m.getCode() != null) {
                m.getCode().visit(visitor);
            }
        }
    }

    /**
     * {@code assert X} becomes {@code if (__checking(LINE)) assert X}: a dry run (or an
     * {@code explain} block) sent no packet and made nothing, so what a script asserts about the
     * live system is reported as not checked instead of failing.
     */
    private static Statement checkedOnlyWhenLive(AssertStatement a) {
        MethodCallExpression call = new MethodCallExpression(VariableExpression.THIS_EXPRESSION, CHECKING,
                new ArgumentListExpression(new ConstantExpression(a.getLineNumber(), true)));
        call.setImplicitThis(true);
        IfStatement guarded = new IfStatement(new BooleanExpression(call), a, EmptyStatement.INSTANCE);
        guarded.setSourcePosition(a);
        return guarded;
    }
}
