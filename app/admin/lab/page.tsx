import { LabPanel } from "@/components/admin/lab-panel";
import { getCaller } from "@/trpc/server";

export const metadata = { title: "Lab" };

export default async function LabPage() {
  const runs = await (await getCaller()).admin.labRuns();
  // The same JSON the browser's later polls receive.
  return <LabPanel initial={JSON.parse(JSON.stringify(runs))} />;
}
