package dev.agentry.policy.cel;

import dev.agentry.policy.PolicyRequest;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A checked CEL expression evaluated directly on the request's Java values, for the part of CEL that
 * policy rules use: literals, the request's variables, field and index access, logic, comparison,
 * integer and string arithmetic, {@code in}, the standard macros, the string functions of the
 * extension, {@code email_domain}, {@code url_host} and timestamps read in a time zone.
 *
 * <p>It answers only where its answer is CEL's, and otherwise gives up ({@link Unsure}): on every
 * error (a missing key, a wrong type, an overflow, the iteration budget), on values of mixed types
 * and on anything it does not cover at run time. The caller then evaluates the expression with
 * cel-java, whose answer (or error, and so its message) is the one that counts. An expression that
 * uses something not covered at all is not compiled here ({@link #compile} is empty) and always goes
 * to cel-java. {@code DirectProgramTest} compares both on every operation covered.
 */
final class DirectProgram {

    /** This evaluation is not one to answer here; cel-java decides. Carries no stack trace. */
    static final class Unsure extends RuntimeException {
        static final Unsure INSTANCE = new Unsure();

        private Unsure() {
            super(null, null, false, false);
        }
    }

    private final DirectNode root;
    private final int slots;

    private DirectProgram(DirectNode root, int slots) {
        this.root = root;
        this.slots = slots;
    }

    /** The program for a checked expression, or empty when it uses something evaluated only by cel-java. */
    static Optional<DirectProgram> compile(CelAbstractSyntaxTree ast) {
        Compiler compiler = new Compiler();
        DirectNode root = compiler.node(ast.getExpr());
        return root == null ? Optional.empty() : Optional.of(new DirectProgram(root, compiler.slots));
    }

    /**
     * @throws Unsure when cel-java must decide this evaluation
     */
    Object eval(PolicyRequest request) {
        try {
            return root.eval(new DirectNode.Frame(RequestValues.of(request), slots));
        } catch (Unsure e) {
            throw e;
        } catch (RuntimeException e) {
            // An overflow, or a value of a shape not foreseen: cel-java's answer counts.
            throw Unsure.INSTANCE;
        }
    }

    /** From CEL's expression tree to nodes; {@code null} wherever something is not covered. */
    private static final class Compiler {
        private final List<String> scopeNames = new ArrayList<>();
        private final List<Integer> scopeSlots = new ArrayList<>();
        private int slots;

        /** A node, or the constant it always evaluates to when it reads no variable. */
        DirectNode node(CelExpr expr) {
            DirectNode node = unfolded(expr);
            if (node == null || node instanceof DirectNode.Constant || !closed(node, Set.of())) {
                return node;
            }
            DirectNode.Frame frame = new DirectNode.Frame(null, slots);
            try {
                Object value = node.eval(frame);
                return frame.iterations() == 0
                        ? new DirectNode.Constant(value)
                        : new DirectNode.Folded(value, frame.iterations());
            } catch (RuntimeException e) {
                return node;
            }
        }

        private DirectNode unfolded(CelExpr expr) {
            return switch (expr.getKind()) {
                case CONSTANT -> constant(expr.constant());
                case IDENT -> ident(expr.ident().name());
                case SELECT -> {
                    DirectNode operand = node(expr.select().operand());
                    yield operand == null
                            ? null
                            : new DirectNode.Select(
                                    operand,
                                    expr.select().field(),
                                    expr.select().testOnly());
                }
                case CALL -> call(expr.call());
                case LIST -> list(expr.list());
                case COMPREHENSION -> comprehension(expr.comprehension());
                default -> null;
            };
        }

        private static DirectNode constant(CelConstant constant) {
            Object value =
                    switch (constant.getKind()) {
                        case NULL_VALUE -> NullValue.NULL_VALUE;
                        case BOOLEAN_VALUE -> constant.booleanValue();
                        case INT64_VALUE -> constant.int64Value();
                        case DOUBLE_VALUE -> constant.doubleValue();
                        case STRING_VALUE -> constant.stringValue();
                        default -> null;
                    };
            return value == null ? null : new DirectNode.Constant(value);
        }

        private DirectNode ident(String name) {
            for (int i = scopeNames.size() - 1; i >= 0; i--) {
                if (scopeNames.get(i).equals(name)) {
                    return new DirectNode.Slot(scopeSlots.get(i));
                }
            }
            return RequestValues.variable(name).map(DirectNode.Variable::new).orElse(null);
        }

        private DirectNode call(CelExpr.CelCall call) {
            List<DirectNode> operands = new ArrayList<>();
            if (call.target().isPresent()) {
                operands.add(node(call.target().get()));
            }
            for (CelExpr arg : call.args()) {
                operands.add(node(arg));
            }
            if (operands.contains(null)) {
                return null;
            }
            return DirectFunctions.node(call.function(), operands);
        }

        private DirectNode list(CelExpr.CelList list) {
            if (!list.optionalIndices().isEmpty()) {
                return null;
            }
            List<DirectNode> elements = new ArrayList<>();
            for (CelExpr element : list.elements()) {
                DirectNode node = node(element);
                if (node == null) {
                    return null;
                }
                elements.add(node);
            }
            return DirectNode.ListOf.of(elements);
        }

        private DirectNode comprehension(CelExpr.CelComprehension loop) {
            if (!loop.iterVar2().isEmpty()) {
                return null;
            }
            DirectNode range = node(loop.iterRange());
            DirectNode init = node(loop.accuInit());
            int accu = slots++;
            scopeNames.add(loop.accuVar());
            scopeSlots.add(accu);
            int item = slots++;
            scopeNames.add(loop.iterVar());
            scopeSlots.add(item);
            DirectNode condition = node(loop.loopCondition());
            DirectNode step = node(loop.loopStep());
            pop();
            DirectNode result = node(loop.result());
            pop();
            if (range == null || init == null || condition == null || step == null || result == null) {
                return null;
            }
            return new DirectNode.Loop(range, init, accu, item, condition, step, result);
        }

        /** Whether a node reads nothing but constants and the comprehension variables in {@code bound}. */
        private static boolean closed(DirectNode node, Set<Integer> bound) {
            return switch (node) {
                case DirectNode.Constant constant -> true;
                case DirectNode.Folded folded -> true;
                case DirectNode.Variable variable -> false;
                case DirectNode.Slot slot -> bound.contains(slot.index());
                case DirectNode.Select select -> closed(select.operand(), bound);
                case DirectNode.ListOf list -> list.elements().stream().allMatch(element -> closed(element, bound));
                case DirectFunctions.Call call ->
                    Arrays.stream(call.operands()).allMatch(operand -> closed(operand, bound));
                case DirectNode.Loop loop -> {
                    Set<Integer> inner = new HashSet<>(bound);
                    inner.add(loop.accu());
                    Set<Integer> body = new HashSet<>(inner);
                    body.add(loop.item());
                    yield closed(loop.range(), bound)
                            && closed(loop.init(), bound)
                            && closed(loop.condition(), body)
                            && closed(loop.step(), body)
                            && closed(loop.result(), inner);
                }
                default -> false;
            };
        }

        private void pop() {
            scopeNames.removeLast();
            scopeSlots.removeLast();
        }
    }
}
