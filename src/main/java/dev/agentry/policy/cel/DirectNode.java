package dev.agentry.policy.cel;

import dev.agentry.policy.PolicyRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** One node of a {@link DirectProgram}: evaluates to a CEL value or gives up with {@link DirectProgram.Unsure}. */
interface DirectNode {

    Object eval(Frame frame);

    /** One evaluation: the request's values, the comprehensions' variables and the iterations so far. */
    final class Frame {
        final RequestValues values;
        final Object[] slots;
        private int iterations;

        Frame(RequestValues values, int slots) {
            this.values = values;
            this.slots = new Object[slots];
        }

        int iterations() {
            return iterations;
        }

        /** Gives up before CEL's budget is reached: cel-java then reports going over it. */
        void iteration() {
            iterations(1);
        }

        void iterations(int count) {
            iterations += count;
            if (iterations >= CelConditions.ITERATION_BUDGET) {
                throw DirectProgram.Unsure.INSTANCE;
            }
        }
    }

    static DirectProgram.Unsure unsure() {
        return DirectProgram.Unsure.INSTANCE;
    }

    static boolean bool(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw unsure();
    }

    record Constant(Object value) implements DirectNode {
        @Override
        public Object eval(Frame frame) {
            return value;
        }
    }

    /**
     * The value of a comprehension over constants, made once when compiled; cel-java makes it on
     * every evaluation, so its iterations still count against the budget each time it is read.
     */
    record Folded(Object value, int iterations) implements DirectNode {
        @Override
        public Object eval(Frame frame) {
            frame.iterations(iterations);
            return value;
        }
    }

    record Variable(RequestValues.Variable variable) implements DirectNode {
        @Override
        public Object eval(Frame frame) {
            return frame.values.get(variable);
        }
    }

    /** A comprehension's variable: its element or its accumulator. */
    record Slot(int index) implements DirectNode {
        @Override
        public Object eval(Frame frame) {
            return frame.slots[index];
        }
    }

    /** {@code a.b}, or {@code has(a.b)} when {@code test}. */
    record Select(DirectNode operand, String field, boolean test) implements DirectNode {
        @Override
        public Object eval(Frame frame) {
            Object value = operand.eval(frame);
            return switch (value) {
                case PolicyRequest.RunFacts run ->
                    test ? RequestValues.hasRunField(field) : RequestValues.runField(run, field);
                case PolicyRequest.PastCall call ->
                    test ? RequestValues.hasPastCallField(field) : RequestValues.pastCallField(call, field);
                case Map<?, ?> map -> {
                    if (test) {
                        yield map.containsKey(field);
                    }
                    Object found = map.get(field);
                    if (found == null) {
                        throw unsure();
                    }
                    yield found;
                }
                default -> throw unsure();
            };
        }
    }

    /** A list literal; one whose elements are all constants is made once. */
    record ListOf(List<DirectNode> elements) implements DirectNode {
        static DirectNode of(List<DirectNode> elements) {
            if (elements.stream().allMatch(Constant.class::isInstance)) {
                return new Constant(List.copyOf(elements.stream()
                        .map(element -> ((Constant) element).value())
                        .toList()));
            }
            return new ListOf(List.copyOf(elements));
        }

        @Override
        public Object eval(Frame frame) {
            List<Object> values = new ArrayList<>(elements.size());
            for (DirectNode element : elements) {
                values.add(element.eval(frame));
            }
            return values;
        }
    }

    /**
     * A comprehension, as the macros ({@code exists}, {@code all}, {@code map}, {@code filter} ...)
     * expand: for each element of a list (or key of a map) while the condition holds, the step makes
     * the next accumulator; then the result.
     */
    record Loop(
            DirectNode range,
            DirectNode init,
            int accu,
            int item,
            DirectNode condition,
            DirectNode step,
            DirectNode result)
            implements DirectNode {
        @Override
        public Object eval(Frame frame) {
            Collection<?> items =
                    switch (range.eval(frame)) {
                        case List<?> list -> list;
                        // cel-java is given these maps as they are here, so their keys come in the same order.
                        case Map<?, ?> map when !(map instanceof RequestValues.Counts) -> map.keySet();
                        default -> throw unsure();
                    };
            frame.slots[accu] = init.eval(frame);
            for (Object element : items) {
                frame.iteration();
                frame.slots[item] = element;
                if (!bool(condition.eval(frame))) {
                    break;
                }
                frame.slots[accu] = step.eval(frame);
            }
            return result.eval(frame);
        }
    }
}
