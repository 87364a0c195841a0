import { DeadLetters } from "@/components/admin/dead-letters";
import { getCaller } from "@/trpc/server";

export const metadata = { title: "Dead letters" };

export default async function DeadLettersPage() {
  return <DeadLetters initial={await (await getCaller()).admin.deadLetters()} />;
}
