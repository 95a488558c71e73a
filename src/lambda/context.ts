// What the handlers use of the Lambda runtime's context object (no @types/aws-lambda dependency).
export interface LambdaContext {
  functionName: string;
  awsRequestId?: string;
  invokedFunctionArn?: string;
  getRemainingTimeInMillis(): number;
}

/**
 * How long before the invocation's timeout the work must be wrapped up: enough to PUT a response
 * or hand off a continuation, a tenth of the budget but at least 1 s and at most 15 s.
 */
export function safetyMarginMs(remainingMs: number): number {
  return Math.min(15_000, Math.max(1_000, Math.floor(remainingMs / 10)));
}
